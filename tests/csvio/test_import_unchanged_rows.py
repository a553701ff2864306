"""Re-importing an unchanged file costs a comparison per row: the rows that say what their
records' exports say are counted unchanged in a fixed number of queries per batch, write
nothing, and any other row is read, checked and written as before."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csvio.export import export_chunks
from csvio.imports import import_incidents
from csvio.imports import importer as imports
from csvio.imports.report import UNCHANGED, UPDATED
from csvio.layouts import PRESETS
from incidents.models import Citation, Incident, IncidentActor
from incidents.taxonomy import Status

pytestmark = pytest.mark.django_db

LAYOUTS = ["native", "acled", "ucdp"]
BATCH = 20


@pytest.fixture
def generated(db):
    call_command("generate_incidents", "--count", str(3 * BATCH + 10), "--seed", "15",
                 stdout=io.StringIO())  # fmt: skip


def exported_rows(layout: str, *, published: bool = False) -> list[dict[str, str]]:
    """The records in `layout` (only the published ones, unmerged, when asked), as a Tessera
    export writes them."""
    preset = PRESETS[layout]
    incidents = Incident.objects.order_by("pk")
    if published:
        incidents = incidents.filter(status=Status.PUBLISHED, duplicate_of=None)
    incidents = preset.export_queryset(incidents, include_all=True)
    return list(csv.DictReader(io.StringIO("".join(export_chunks(incidents, preset, "csv")))))


def as_file(rows: list[dict[str, str]]) -> io.StringIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return io.StringIO(out.getvalue())


def history_counts() -> list[int]:
    return [model.history.count() for model in (Incident, IncidentActor, Citation)]


def queries_to_import(rows: list[dict[str, str]], layout: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = import_incidents(as_file(rows), PRESETS[layout])
    assert (report.unchanged, report.rows, report.problems) == (len(rows), len(rows), [])
    return len(queries)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_batch_of_an_unchanged_file_takes_the_same_queries(generated, monkeypatch, layout):
    monkeypatch.setattr(imports, "BATCH_SIZE", BATCH)
    rows = exported_rows(layout, published=True)[: 3 * BATCH]
    assert len(rows) == 3 * BATCH
    before = history_counts()
    versions = dict(Incident.objects.values_list("pk", "version"))

    one, two, three = (queries_to_import(rows[: n * BATCH], layout) for n in (1, 2, 3))

    # Per batch: the records its rows name; their export (on SQLite the incidents and their
    # tags, actors, citations and links; on PostgreSQL one COPY, through its own cursor); the
    # ids and records earlier rows named, and remembering these.
    assert three - two == two - one <= 8
    assert history_counts() == before
    assert dict(Incident.objects.values_list("pk", "version")) == versions


@pytest.mark.parametrize("layout", LAYOUTS)
def test_an_unchanged_file_reports_every_row_unchanged(generated, layout):
    rows = exported_rows(layout)

    report = import_incidents(as_file(rows), PRESETS[layout], dry_run=True)

    assert {fate.fate for fate in report.row_fates} == {UNCHANGED}
    assert [fate.row for fate in report.row_fates] == list(range(2, len(rows) + 2))
    named = {fate.public_id: fate.pk for fate in report.row_fates}
    assert named == dict(
        Incident.objects.filter(pk__in=named.values()).values_list("public_id", "pk")
    )


def test_a_row_that_differs_in_one_cell_updates_that_record_only(generated):
    rows = exported_rows("native")
    rows[3]["summary"] = "Changed on import."
    before = history_counts()

    report = import_incidents(as_file(rows), PRESETS["native"])

    assert (report.updated, report.unchanged) == (1, len(rows) - 1)
    assert [fate.row for fate in report.row_fates if fate.fate == UPDATED] == [5]
    assert Incident.objects.get(public_id=rows[3]["public_id"]).summary == "Changed on import."
    assert history_counts()[0] == before[0] + 1


def test_a_row_of_a_record_drafted_since_its_export_is_handled_as_before(generated):
    rows = exported_rows("native")
    drafted = Incident.objects.get(public_id=rows[0]["public_id"])
    Incident.objects.filter(pk=drafted.pk).update(status=Status.DRAFT)

    report = import_incidents(as_file(rows), PRESETS["native"], dry_run=True)

    # The row publishes it again: a change, not an unchanged row.
    assert report.row_fates[0].fate != UNCHANGED
    assert report.unchanged == len(rows) - 1


@pytest.mark.parametrize("layout", ["acled", "ucdp"])
def test_a_dataset_row_of_a_record_retracted_since_is_handled_as_before(generated, layout):
    rows = exported_rows(layout)
    id_column = PRESETS[layout].columns[0].name
    retracted = Incident.objects.get(public_id=rows[0][id_column])
    Incident.objects.filter(pk=retracted.pk).update(
        status=Status.RETRACTED, retraction_reason="Wrong event."
    )
    slow = import_incidents(as_file(rows[:1]), PRESETS[layout], dry_run=True)

    report = import_incidents(as_file(rows), PRESETS[layout], dry_run=True)

    assert report.row_fates[0] == slow.row_fates[0]
    assert report.unchanged == len(rows) - 1 + slow.unchanged
    retracted.refresh_from_db()
    assert retracted.status == Status.RETRACTED


def test_a_row_repeating_an_unchanged_row_is_reported_as_a_repeat(generated, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    rows = exported_rows("native")[:3]

    report = import_incidents(as_file([*rows, rows[0]]), PRESETS["native"], skip_bad_rows=True)

    assert [str(problem) for problem in report.problems] == [
        f"row 5, column public_id: Row 2 already has the id “{rows[0]['public_id']}”."
    ]
    assert report.unchanged == 3


def test_a_record_named_by_two_rows_of_a_batch_is_updated_by_the_first(generated):
    rows = exported_rows("acled", published=True)[:3]
    record = Incident.objects.get(public_id=rows[1]["event_id_cnty"])
    Incident.objects.filter(pk=record.pk).update(dataset="acled", dataset_event_id="E-1")
    by_event_id = dict(rows[1], event_id_cnty="E-1", notes="Changed on import.")
    by_public_id = dict(rows[1], event_id_cnty=record.public_id)

    report = import_incidents(
        as_file([rows[0], by_event_id, by_event_id, by_public_id]),
        PRESETS["acled"],
        skip_bad_rows=True,
    )

    assert [str(problem) for problem in report.problems] == [
        "row 4, column event_id_cnty: Row 3 already has the id “E-1”.",
        f"row 5, column event_id_cnty: Row 3 already updates this incident ({record.public_id}).",
    ]
