"""The derived data that bulk inserts must write themselves, since they send no signals.

The generator's only calls into the incidents app's refresh functions are here.
"""

from __future__ import annotations

from collections.abc import Sequence

from incidents.provenance import refresh_independence_keys, refresh_independent_sources
from incidents.search import refresh_search_documents


def refresh_incidents(incident_ids: Sequence[int]) -> None:
    """Text-search documents and counts of independent sources of freshly inserted incidents."""
    refresh_search_documents(incident_ids)
    refresh_independent_sources(incident_ids)


def refresh_sources(source_ids: Sequence[int]) -> None:
    """Independence keys of freshly inserted sources."""
    refresh_independence_keys(source_ids)
