"""Acceptance sweep of a production-like Tessera: `python -m bench.acceptance` (see __main__)."""
