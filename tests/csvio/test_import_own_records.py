"""A file in a dataset's layout (ACLED, UCDP) that names Tessera's own records by their public
ids leaves those records as they are: the layout holds less than the record, and writing it
would lose the rest. A row that says what the record says is unchanged; one that says
otherwise is reported by row and column."""

from __future__ import annotations

import csv
import io

import pytest

from csvio.export import export_chunks
from csvio.imports import import_incidents
from csvio.layouts import PRESETS
from incidents import demo
from incidents.models import Citation, Incident, IncidentActor, Tag
from tests.csvio.test_import_derived import as_csv
from tests.factories import ActorFactory, IncidentActorFactory

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


def reordered(cell: str) -> str:
    return "; ".join(reversed(cell.split("; ")))


def written_another_way(layout: str, row: dict[str, str]) -> dict[str, str]:
    """The row as a spreadsheet may save it: other number formats, line breaks and order."""
    row = {**row, "latitude": f"{float(row['latitude']):.6f}"}  # 33.3 → 33.300000
    if layout == "acled":
        row["fatalities"] = row["fatalities"] and f"{row['fatalities']}.0"
        row["notes"] = row["notes"].replace("\r\n", "\n") + "\n"
        for name in ("assoc_actor_1", "assoc_actor_2", "tags"):
            row[name] = reordered(row[name])
    else:
        for name in ("low", "best", "high"):
            row[name] = row[name] and f"{row[name]}.0"
    return row


@pytest.mark.parametrize("layout", DATASET_LAYOUTS)
def test_a_row_written_another_way_says_the_same(seeded, layout):
    green_village = seeded["1"]
    Incident.objects.filter(pk=green_village.pk).update(summary="First line.\r\nSecond line.")
    green_village.tags.add(Tag.objects.create(name="zeta"), Tag.objects.create(name="alpha"))
    for name in ("Zeta Company", "Alpha Company"):  # targets beside the first: assoc_actor_2
        IncidentActorFactory(incident=green_village, actor=ActorFactory(name=name), role="target")
    rows = exported_rows(layout)
    edited = [written_another_way(layout, row) for row in rows]
    assert sum(a != b for a, b in zip(rows, edited, strict=True)) == 5
    if layout == "acled":
        assert any(";" in row["assoc_actor_1"] + row["assoc_actor_2"] for row in rows)
        assert any("\r\n" in row["notes"] for row in rows)
        # the seed's alleged militia is a tag too (ACLED has no attribution column)
        assert any(row["tags"].startswith(f"alleged: {demo.MILITIA}; zeta; ") for row in edited)
    else:  # the seed has no UCDP type of violence: its export leaves that cell empty
        assert not any(row["type_of_violence"] for row in rows)

    report = import_incidents(as_csv(edited), PRESETS[layout])

    assert report.problems == []
    assert report.unchanged == 5


def test_a_row_with_an_error_reports_the_error_not_what_is_only_written_another_way(seeded):
    rows = exported_rows("acled")
    rows[0] = {**written_another_way("acled", rows[0]), "event_date": "2022-13-45"}

    report = import_incidents(as_csv(rows), PRESETS["acled"])

    assert [(p.row, p.column) for p in report.problems] == [(2, "event_date")]
    assert "file says" not in report.problems[0].message


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
    assert (report.created, report.updated, report.unchanged, report.rows_with_problems) == (
        1,
        0,
        4,
        1,
    )
    assert report.written
    assert Incident.objects.get(dataset="ucdp-ged", dataset_event_id="999001").citations.exists()
    assert everything_stored() == before


def test_two_rows_for_one_of_our_records_are_reported(seeded):
    rows = exported_rows("acled")

    report = import_incidents(
        as_csv([*rows, {**rows[0], "event_id_cnty": rows[0]["event_id_cnty"]}]), PRESETS["acled"]
    )

    assert [(p.row, p.column) for p in report.problems] == [(7, "event_id_cnty")]
    assert "Row 2 already names this record" in report.problems[0].message
