"""An import's memory stays flat however long the file: what it must remember for the whole
file (the ids rows gave, the records they matched) is kept in the database, and what it
caches (validated values, actors, places and sources) is forgotten past a bound."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from csvio.imports import import_incidents, importer, match, validate
from csvio.layouts.ucdp import UCDP
from tests.csvio.test_import_derived import as_csv, ged_rows

pytestmark = pytest.mark.django_db


def memory_after_each_batch(rows: list[dict[str, str]]) -> list[int]:
    held = []

    def measure(_rows: int) -> None:
        gc.collect()  # what is held, not garbage that waits for the cycle collector
        held.append(tracemalloc.get_traced_memory()[0])

    tracemalloc.start()
    try:
        report = import_incidents(as_csv(rows), UCDP, progress=measure)
    finally:
        tracemalloc.stop()
    assert report.problems == []
    assert report.created == len(rows)
    return held


def test_memory_held_between_batches_does_not_grow_with_the_rows(monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 100)
    monkeypatch.setattr(validate, "REMEMBERED_VALUES", 500)
    monkeypatch.setattr(match, "REMEMBERED_RECORDS", 500)
    sample = ged_rows(40)
    rows = [
        # Ids as long as a dataset's may be (60 characters), as a long file's would be kept.
        {**sample[number % len(sample)], "id": f"{number:060d}"}
        for number in range(3_000)
    ]

    held = memory_after_each_batch(rows)

    assert len(held) == 30
    # Peaks, as the caches fill and are forgotten: from the fifth batch on they are full.
    growth = max(held[-10:]) - max(held[5:15])
    # Kept in Python, the ids alone would add about 280 kB.
    assert growth < 100_000, f"{growth:,} bytes more after 1,500 more rows"
