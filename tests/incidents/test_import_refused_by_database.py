"""A row that only the database can refuse (a unique key another record holds) is reported on
its own row, and the other rows are written as asked."""

from __future__ import annotations

import csv
import io

import pytest

from incidents.exports import export_chunks
from incidents.imports import import_incidents
from incidents.models import Incident
from incidents.presets.native import NATIVE

pytestmark = pytest.mark.django_db


def edited_export(edit) -> io.StringIO:
    text = "".join(export_chunks(Incident.objects.order_by("public_id"), NATIVE, "csv"))
    rows = list(csv.DictReader(io.StringIO(text)))
    edit(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    out.seek(0)
    return out


def test_a_dataset_event_id_another_incident_holds_is_reported_on_its_row(seeded):
    def edit(rows):
        rows[1]["dataset"], rows[1]["dataset_event_id"] = (
            rows[0]["dataset"],
            rows[0]["dataset_event_id"],
        )
        rows[2]["title"] = "Renamed by the file"

    report = import_incidents(edited_export(edit), NATIVE, skip_bad_rows=True)

    assert [problem.row for problem in report.problems] == [3]
    assert "dataset" in str(report.problems[0]).lower()
    assert report.written
    assert Incident.objects.filter(title="Renamed by the file").count() == 1


def test_without_skipping_nothing_is_written(seeded):
    def edit(rows):
        rows[1]["dataset"], rows[1]["dataset_event_id"] = (
            rows[0]["dataset"],
            rows[0]["dataset_event_id"],
        )
        rows[2]["title"] = "Renamed by the file"

    report = import_incidents(edited_export(edit), NATIVE)

    assert [problem.row for problem in report.problems] == [3]
    assert not report.written
    assert not Incident.objects.filter(title="Renamed by the file").exists()
