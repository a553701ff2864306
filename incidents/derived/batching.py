"""Ids in batches: short statements, within SQLite's parameter limit."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

BATCH_SIZE = 5000


def batches(ids: Iterable[int], size: int = BATCH_SIZE) -> Iterator[list[int]]:
    """The ids, sorted without repeats, in lists of at most `size`."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]
