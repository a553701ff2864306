"""An export's memory stays flat however many rows it streams."""

from __future__ import annotations

import io
import tracemalloc

import pytest
from django.core.management import call_command

from csvio.export import export_chunks
from csvio.layouts.native import NATIVE
from incidents.models import Incident

pytestmark = pytest.mark.django_db


def peak_bytes_of_export(count: int) -> tuple[int, int]:
    chosen = Incident.objects.filter(pk__in=Incident.objects.order_by("pk").values("pk")[:count])
    lines = 0
    tracemalloc.start()
    for _line in export_chunks(chosen, NATIVE, "csv"):
        lines += 1
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return lines, peak


@pytest.mark.slow
def test_export_memory_does_not_grow_with_the_number_of_rows():
    call_command("generate_incidents", "--count", "10000", "--seed", "3", stdout=io.StringIO())

    small_lines, small_peak = peak_bytes_of_export(1_000)
    large_lines, large_peak = peak_bytes_of_export(10_000)

    assert (small_lines, large_lines) == (1_001, 10_001)  # the header, then one line a row
    # Ten times the rows, about the same memory: the writer holds one chunk at a time.
    assert large_peak < small_peak * 1.5, (small_peak, large_peak)
