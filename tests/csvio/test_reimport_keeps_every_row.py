"""Re-importing Tessera's own exports loses no row: a new record never takes a public id that
the file names in any of its rows, earlier or later, so no later row mistakes it for the
record it names."""

from __future__ import annotations

import csv
import io

import pytest

from csvio.export import export_chunks
from csvio.imports import import_incidents
from csvio.imports import importer as imports
from csvio.layouts import PRESETS
from incidents.models import Incident, PublicIdCounter
from tests.csvio.test_native_preset import empty_database

pytestmark = pytest.mark.django_db


def export(layout: str, *ordering: str) -> str:
    incidents = Incident.objects.order_by(*ordering)
    return "".join(export_chunks(incidents, PRESETS[layout], "csv"))


def event_ids(text: str, column: str) -> list[str]:
    return [row[column] for row in csv.DictReader(io.StringIO(text))]


def without_timestamps(text: str) -> list[dict[str, str]]:
    """The rows, but ACLED's `timestamp`: the time Tessera last wrote the record."""
    return [
        {name: cell for name, cell in row.items() if name != "timestamp"}
        for row in csv.DictReader(io.StringIO(text))
    ]


@pytest.mark.parametrize("batch_size", [1, 2, 5000])
def test_a_later_row_never_takes_a_record_an_earlier_row_created(seeded, monkeypatch, batch_size):
    monkeypatch.setattr(imports, "BATCH_SIZE", batch_size)
    # The highest ids first: the new record of SYR-2022-00002 would take SYR-2022-00001, which
    # the next row names.
    exported = export("acled", "-public_id")
    named = event_ids(exported, "event_id_cnty")
    assert named == ["SYR-2022-00002", "SYR-2022-00001", *(f"IRQ-2022-0000{n}" for n in (3, 2, 1))]
    empty_database()

    report = import_incidents(io.StringIO(exported), PRESETS["acled"])

    assert report.problems == []
    assert (report.created, report.updated) == (5, 0)
    stored = dict(Incident.objects.values_list("dataset_event_id", "public_id"))
    assert sorted(stored) == sorted(named)
    # No new record took an id the file names: each row's event is its own record.
    assert not set(stored.values()) & set(named)
    assert without_timestamps(export("acled", "-dataset_event_id")) == without_timestamps(exported)

    again = import_incidents(io.StringIO(exported), PRESETS["acled"])

    assert again.problems == []
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_new_records_are_numbered_after_every_id_the_file_names(seeded, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 1)
    exported = export("acled", "-public_id")
    empty_database()

    import_incidents(io.StringIO(exported), PRESETS["acled"])

    assert sorted(Incident.objects.values_list("public_id", flat=True)) == [
        "IRQ-2022-00004", "IRQ-2022-00005", "IRQ-2022-00006", "SYR-2022-00003", "SYR-2022-00004",
    ]  # fmt: skip
    assert PublicIdCounter.reserve("SYR-2022", 1) == ["SYR-2022-00005"]


@pytest.mark.parametrize("batch_size", [1, 5000])
def test_a_native_row_without_an_id_never_takes_one_a_later_row_gives(
    seeded, monkeypatch, batch_size
):
    monkeypatch.setattr(imports, "BATCH_SIZE", batch_size)
    rows = list(csv.DictReader(io.StringIO(export("native", "public_id"))))
    first = {**rows[0], "dataset": "", "dataset_event_id": ""}
    without_id = {**first, "public_id": "", "title": "New, without an id"}
    restored = {**first, "public_id": "IRQ-2022-00004", "title": "Restored with its id"}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(first))
    writer.writeheader()
    writer.writerows([without_id, restored])

    report = import_incidents(io.StringIO(out.getvalue()), PRESETS["native"], skip_bad_rows=True)

    assert report.problems == []
    titles = dict(Incident.objects.values_list("title", "public_id"))
    assert titles["Restored with its id"] == "IRQ-2022-00004"
    assert titles["New, without an id"] == "IRQ-2022-00005"
