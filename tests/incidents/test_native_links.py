"""The native layout carries the links between records, by public id: the record a merged
duplicate points to (`duplicate_of`) and the relations a record has to others (`relations`).
An export lists only links to records its reader may see; an import writes the links once the
records they name exist, anywhere in Tessera or further down the file, and never removes one."""

from __future__ import annotations

import csv
import io

import pytest
from rest_framework.test import APIClient

from incidents.imports import import_incidents
from incidents.merging import merge
from incidents.models import Incident, IncidentRelation
from incidents.presets.native import NATIVE
from tests.factories import IncidentFactory
from tests.incidents.test_import_derived import as_csv
from tests.incidents.test_native_preset import empty_database, native_export

pytestmark = pytest.mark.django_db

EXPORT_URL = "/api/v1/incidents/export/"


def rows_of(text: str) -> dict[str, dict[str, str]]:
    return {row["public_id"]: row for row in csv.DictReader(io.StringIO(text))}


def relations() -> set[tuple[str, str, str]]:
    return set(
        IncidentRelation.objects.values_list(
            "from_incident__public_id", "kind", "to_incident__public_id"
        )
    )


@pytest.fixture
def merged(seeded, editor):
    """The seed, with its two Ain al-Asad drone reports merged as one event."""
    duplicate, kept = seeded["4"], seeded["3"]
    merge(duplicate, kept, user=editor)
    return duplicate.public_id, kept.public_id


def test_the_native_export_lists_merges_and_relations_by_public_id(merged):
    duplicate, kept = merged

    rows = rows_of(native_export())

    assert rows[duplicate]["duplicate_of"] == kept
    assert rows[duplicate]["relations"] == f"same event as {kept}"
    assert rows[kept]["duplicate_of"] == ""
    responses = [row for row in rows.values() if row["relations"].startswith("response to ")]
    assert responses  # the coalition's return fire answers the Green Village attack


def test_links_survive_a_round_trip_through_an_empty_database(merged):
    first = native_export()
    links = relations()
    Incident.objects.update(duplicate_of=None)  # a kept record cannot go while merged into
    empty_database()

    report = import_incidents(io.StringIO(first), NATIVE)

    assert report.problems == []
    assert relations() == links
    assert native_export() == first
    duplicate, kept = merged
    assert Incident.objects.get(public_id=duplicate).duplicate_of.public_id == kept
    # The restored duplicate still redirects to the record kept.
    response = APIClient().get(f"/api/v1/incidents/{duplicate}/")
    assert response.status_code == 301 and kept in response["Location"]


def test_a_link_to_a_record_further_down_the_file_is_written(db):
    first = IncidentFactory(status="published")
    second = IncidentFactory(status="published")
    text = native_export()
    file_rows = list(rows_of(text).values())
    empty_database()
    file_rows[0]["relations"] = f"response to {file_rows[1]['public_id']}"
    file_rows[1]["relations"] = f"part of series {file_rows[0]['public_id']}"

    report = import_incidents(as_csv(file_rows), NATIVE)

    assert report.problems == []
    assert relations() == {
        (first.public_id, "response to", second.public_id),
        (second.public_id, "part of series", first.public_id),
    }


def test_importing_the_file_again_adds_no_link_and_an_empty_cell_removes_none(merged):
    links = relations()
    history = IncidentRelation.history.count()
    text = native_export()
    rows = list(rows_of(text).values())
    for row in rows:
        row["relations"] = ""

    again = import_incidents(io.StringIO(text), NATIVE)
    emptied = import_incidents(as_csv(rows), NATIVE)

    assert again.problems == emptied.problems == []
    assert (again.unchanged, emptied.unchanged) == (5, 5)
    assert relations() == links
    assert IncidentRelation.history.count() == history


RETRACTED = {"status": "retracted", "retraction_reason": "Same event."}


@pytest.mark.parametrize(
    ("column", "cell", "message", "cells"),
    [
        ("relations", "response to SYR-2031-00009", "No incident SYR-2031-00009 exists", {}),
        ("relations", "inspired by SYR-2022-00001", "is not a relation like", {}),
        ("relations", "response to SYR-2022-1", "is not a public id", {}),
        ("duplicate_of", "SYR-2031-00009", "No incident SYR-2031-00009 exists", RETRACTED),
        ("duplicate_of", "SYR-2022-00002", "retracted", {}),  # the row's record is published
    ],
)
def test_a_bad_link_is_reported_on_its_row_and_nothing_is_written(
    seeded, editor, column, cell, message, cells
):
    rows = sorted(rows_of(native_export()).values(), key=lambda row: row["public_id"])
    green_village = next(i for i, row in enumerate(rows) if row["public_id"] == "SYR-2022-00001")
    rows[green_village].update({column: cell, **cells})
    rows[0]["title"] = "Changed, to see that nothing is written"
    before = relations()

    report = import_incidents(as_csv(rows), NATIVE, user=editor)

    [problem] = report.problems
    assert (problem.row, problem.column) == (green_village + 2, column)
    assert message in problem.message
    assert not report.written
    assert relations() == before
    assert not Incident.objects.filter(title__startswith="Changed").exists()


def test_a_record_cannot_be_linked_to_itself(seeded):
    rows = rows_of(native_export())
    rows["SYR-2022-00001"]["relations"] = "response to SYR-2022-00001"
    rows["SYR-2022-00002"]["duplicate_of"] = "SYR-2022-00002"
    rows["SYR-2022-00002"]["status"] = "retracted"
    rows["SYR-2022-00002"]["retraction_reason"] = "Same event."

    report = import_incidents(as_csv(list(rows.values())), NATIVE)

    assert sorted(problem.column for problem in report.problems) == ["duplicate_of", "relations"]
    assert not report.written


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_the_public_export_lists_no_link_to_a_draft(seeded, editor_client, fmt):
    draft = IncidentFactory(status="draft")
    answer = seeded["1"]
    IncidentRelation.objects.create(from_incident=answer, to_incident=draft, kind="response to")

    public = b"".join(APIClient().get(EXPORT_URL, {"format": fmt}).streaming_content).decode()
    staff = b"".join(
        editor_client.get("/admin/incidents/incident/export/").streaming_content
    ).decode()

    assert draft.public_id not in public
    assert "response to" in public  # the seed's own relation, between public records
    assert f"response to {draft.public_id}" in staff
