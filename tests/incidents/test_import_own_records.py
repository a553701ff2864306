"""A file in a dataset's layout (ACLED, UCDP) that names Tessera's own records by their public
ids leaves those records as they are: the layout holds less than the record, and writing it
would lose the rest. A row that says what the record says is unchanged; one that says
otherwise is reported by row and column."""

from __future__ import annotations

import csv
import io

import pytest

from incidents.exports import export_chunks
from incidents.imports import import_incidents
from incidents.models import Citation, Incident, IncidentActor
from incidents.presets import PRESETS
from tests.incidents.test_import_derived import as_csv

pytestmark = pytest.mark.django_db

DATASET_LAYOUTS = ["acled", "ucdp"]


def exported_rows(layout: str) -> list[dict[str, str]]:
    text = "".join(export_chunks(Incident.objects.order_by("public_id"), PRESETS[layout], "csv"))
    return list(csv.DictReader(io.StringIO(text)))


def everything_stored() -> list[tuple]:
    """What an import could change of the seed's records, their actor rows and citations, and
    their history."""
    seed = Incident.objects.filter(dataset="tessera-demo").values("pk")
    incidents = list(
        Incident.objects.filter(pk__in=seed).order_by("pk").values_list(
            "public_id", "title", "summary", "origin_location", "fatalities_low",
            "fatalities_best", "fatalities_high", "version", "updated_at",
        )
    )  # fmt: skip
    participants = list(
        IncidentActor.objects.filter(incident__in=seed).order_by("pk").values_list(
            "incident", "actor", "role", "attribution", "side"
        )
    )  # fmt: skip
    citations = list(
        Citation.objects.filter(incident__in=seed).order_by("pk").values_list(
            "incident", "source", "quote", "locator"
        )
    )  # fmt: skip
    history = [
        Incident.history.filter(id__in=seed).count(),
        Citation.history.filter(incident_id__in=seed).count(),
        IncidentActor.history.filter(incident_id__in=seed).count(),
    ]
    return [*incidents, *participants, *citations, history]


@pytest.mark.parametrize("layout", DATASET_LAYOUTS)
def test_our_records_exported_in_a_dataset_layout_come_back_unchanged(seeded, layout):
    rows = exported_rows(layout)
    before = everything_stored()

    report = import_incidents(as_csv(rows), PRESETS[layout])

    assert report.problems == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert everything_stored() == before
    # The seed's own words survive: the Green Village title, a quote, an "alleged" attribution.
    assert Incident.objects.filter(title__startswith="Coalition fires six artillery").exists()
    assert IncidentActor.objects.filter(attribution="alleged").exists()


def test_a_cell_written_another_way_is_the_same_value(seeded):
    rows = exported_rows("acled")
    for row in rows:
        row["latitude"] = f"{float(row['latitude']):.6f}"  # 33.3 → 33.300000, as a sheet may
        row["fatalities"] = row["fatalities"] and f"{row['fatalities']}.0"

    report = import_incidents(as_csv(rows), PRESETS["acled"])

    assert report.problems == []
    assert report.unchanged == 5


def test_a_change_to_our_record_in_a_dataset_layout_is_reported_and_nothing_is_written(seeded):
    rows = exported_rows("acled")
    rows[2]["notes"] = "Rewritten in a spreadsheet."
    rows[2]["event_date"] = "2022-02-01"
    before = everything_stored()

    report = import_incidents(as_csv(rows), PRESETS["acled"])

    assert {(p.row, p.column) for p in report.problems} == {(4, "notes"), (4, "event_date")}
    message = next(p.message for p in report.problems if p.column == "notes")
    assert rows[2]["event_id_cnty"] in message
    assert "“Rewritten in a spreadsheet.”" in message
    assert "native layout" in message and "leaves it as it is" in message
    assert not report.written
    assert everything_stored() == before


def test_skipping_bad_rows_writes_the_new_events_and_leaves_our_records(seeded):
    rows = exported_rows("ucdp")
    rows[0]["best"] = rows[0]["high"] = str(int(rows[0]["high"] or 0) + 7)
    new = {**rows[1], "id": "999001", "type_of_violence": "1", "source_headline": "A new event"}
    before = everything_stored()

    report = import_incidents(as_csv([*rows, new]), PRESETS["ucdp"], skip_bad_rows=True)

    assert {p.column for p in report.problems if p.row == 2} >= {"best", "high"}
    assert (report.created, report.updated, report.unchanged, report.skipped) == (1, 0, 4, 1)
    assert report.written
    assert Incident.objects.get(dataset="ucdp-ged", dataset_event_id="999001").citations.exists()
    assert everything_stored() == before


def test_two_rows_for_one_of_our_records_are_reported(seeded):
    rows = exported_rows("acled")

    report = import_incidents(
        as_csv([*rows, {**rows[0], "event_id_cnty": rows[0]["event_id_cnty"]}]), PRESETS["acled"]
    )

    assert [(p.row, p.column) for p in report.problems] == [(7, "event_id_cnty")]
