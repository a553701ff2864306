"""Rows an import refuses beyond the model's rules: a unique key another record holds, which
only the database sees, and a second row for the same record. Each is reported on its own row
and the other rows are written as asked, even when the batch has to be written twice."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import IntegrityError, transaction

from core import bulk_writes
from csvio.export import export_chunks
from csvio.imports import import_incidents
from csvio.imports import importer as imports
from csvio.layouts.native import NATIVE
from csvio.layouts.ucdp import UCDP
from incidents.models import Actor, Incident
from incidents.taxonomy import ActorType
from tests.csvio.test_import_derived import as_csv, ged_rows

pytestmark = pytest.mark.django_db


def edited_export(edit) -> io.StringIO:
    text = "".join(export_chunks(Incident.objects.order_by("public_id"), NATIVE, "csv"))
    rows = list(csv.DictReader(io.StringIO(text)))
    edit(rows)
    return as_csv(rows)


def taken_dataset_id(rows):
    """The second row takes the dataset event id the first row's incident holds."""
    first, second = rows[0], rows[1]
    second["dataset"], second["dataset_event_id"] = first["dataset"], first["dataset_event_id"]


def renamed_with_a_taken_id(rows):
    taken_dataset_id(rows)
    rows[2]["title"] = "Renamed by the file"


def test_a_dataset_event_id_another_incident_holds_is_reported_on_its_row(seeded):
    report = import_incidents(edited_export(renamed_with_a_taken_id), NATIVE, skip_bad_rows=True)

    assert [problem.row for problem in report.problems] == [3]
    assert "dataset" in str(report.problems[0]).lower()
    assert report.written
    assert Incident.objects.filter(title="Renamed by the file").count() == 1


def test_without_skipping_nothing_is_written(seeded):
    report = import_incidents(edited_export(renamed_with_a_taken_id), NATIVE)

    assert [problem.row for problem in report.problems] == [3]
    assert not report.written
    assert not Incident.objects.filter(title="Renamed by the file").exists()


def test_a_new_tag_is_kept_when_the_batch_is_written_again(seeded):
    def edit(rows):
        taken_dataset_id(rows)
        rows[0]["tags"] = "fresh tag"

    report = import_incidents(edited_export(edit), NATIVE, skip_bad_rows=True)

    assert [problem.row for problem in report.problems] == [3]
    tagged = Incident.objects.get(public_id="IRQ-2022-00001")
    assert list(tagged.tags.values_list("name", flat=True)) == ["fresh tag"]


def test_dates_from_the_file_are_kept_when_the_batch_is_written_again(seeded):
    def edit(rows):
        taken_dataset_id(rows)
        rows[3]["created_at"] = "2020-01-01T00:00:00+00:00"

    report = import_incidents(edited_export(edit), NATIVE, skip_bad_rows=True)

    assert [problem.row for problem in report.problems] == [3]
    fourth = Incident.objects.order_by("public_id")[3]
    assert fourth.created_at == dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize("batch_size", [1, 5000])  # the rows in two batches, or in one
def test_a_second_row_for_the_same_incident_is_reported_not_merged(monkeypatch, batch_size):
    monkeypatch.setattr(imports, "BATCH_SIZE", batch_size)
    [row] = ged_rows(1)
    import_incidents(as_csv([row]), UCDP)
    incident = Incident.objects.get()
    by_event_id = {**row, "best": str(int(row["best"]) + 1)}
    by_event_id["high"] = str(max(int(row["high"]), int(by_event_id["best"])))
    by_public_id = {**row, "id": incident.public_id, "latitude": "35.5"}

    report = import_incidents(as_csv([by_event_id, by_public_id]), UCDP, skip_bad_rows=True)

    assert [str(problem) for problem in report.problems] == [
        f"row 3, column id: Row 2 already updates this incident ({incident.public_id})."
    ]
    incident.refresh_from_db()
    assert incident.fatalities_best == int(by_event_id["best"])
    assert incident.location.latitude != 35.5


def test_a_row_the_database_refuses_while_copying_raises_djangos_integrity_error(db):
    Actor.objects.create(name="Liwa Fatemiyoun", actor_type=ActorType.EXTERNAL_FORCES)
    twin = Actor(name="Liwa Fatemiyoun", actor_type=ActorType.EXTERNAL_FORCES)

    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_writes.insert([twin])


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1" * 3000, "at most 60 characters"),  # longer than an index entry may be
        ("2016\x00", "NUL character"),  # which no database stores in text
    ],
)
def test_an_id_no_database_could_hold_is_reported_on_its_row(cell, message):
    rows = ged_rows(2)
    rows[1]["id"] = cell

    report = import_incidents(as_csv(rows), UCDP)

    [problem] = report.problems
    assert (problem.row, problem.column) == (3, "id")
    assert message in problem.message
    assert not Incident.objects.exists()


def with_low_above_best(row: dict[str, str]) -> None:
    """A row the database's CHECK constraint refuses, whose cells each read well."""
    row.update(fatalities_low="5", fatalities_best="3", fatalities_high="")


def test_a_row_that_breaks_a_check_constraint_is_reported_and_the_others_written(seeded):
    def edit(rows):
        with_low_above_best(rows[1])
        for row in rows:
            row["title"] += " (revised)"

    report = import_incidents(edited_export(edit), NATIVE, skip_bad_rows=True)

    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (3, "fatalities_low", "The low fatality estimate cannot exceed the best estimate.")
    ]
    assert report.written and (report.updated, report.rows_with_problems) == (4, 1)
    assert Incident.objects.filter(title__endswith="(revised)").count() == 4


def test_a_refused_row_reports_its_broken_constraints_with_its_other_problems(seeded):
    def edit(rows):
        with_low_above_best(rows[1])
        rows[1]["weapon"] = "catapult"

    report = import_incidents(edited_export(edit), NATIVE)

    assert {(p.row, p.column) for p in report.problems} == {(3, "weapon"), (3, "fatalities_low")}
