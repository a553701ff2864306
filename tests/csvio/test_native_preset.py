from __future__ import annotations

import csv
import io

import pytest

from csvio.export import export_chunks
from csvio.imports import import_incidents
from csvio.imports import importer as imports
from csvio.layouts.native import NATIVE
from geo.models import Location
from incidents.filters import ORDERINGS
from incidents.models import Actor, Citation, Incident, PublicIdCounter, Source, Tag
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def native_export() -> str:
    """The export a researcher gets with ordering=date (oldest first, then in entry order)."""
    incidents = Incident.objects.order_by(*ORDERINGS["date"])
    return "".join(export_chunks(incidents, NATIVE, "csv", links_to=Incident.objects.all()))


def empty_database() -> None:
    Incident.objects.update(duplicate_of=None)
    Incident.objects.all().delete()
    for model in (Actor, Source, Location, Tag, PublicIdCounter):
        model.objects.all().delete()


def fill_every_column(seeded) -> None:
    """Give the seed what it leaves empty, so that every native column carries a value."""
    Incident.objects.filter(public_id="IRQ-2022-00001").update(
        status="retracted", retraction_reason="Misdated: it happened on 4 January."
    )
    Incident.objects.filter(public_id="IRQ-2022-00003").update(
        status="retracted", retraction_reason="Same event.", duplicate_of=seeded["4"]
    )
    Incident.objects.filter(public_id="SYR-2022-00002").update(
        violence_type=1, dataset_fields={"ged_id": 41, "note": "two lines\nof it"}
    )
    for place in Location.objects.all():
        place.admin2 = f"{place.name} district"
        place.save()
    for source in Source.objects.all():
        source.url = f"https://example.org/{source.pk}"
        source.published_at = "2022-01-06"
        source.save()


def test_native_export_imported_into_an_empty_database_exports_identically(seeded):
    fill_every_column(seeded)
    first = native_export()
    rows = list(csv.DictReader(io.StringIO(first)))
    assert len(rows) == 5
    assert [name for name in rows[0] if not any(row[name] for row in rows)] == []
    empty_database()

    report = import_incidents(io.StringIO(first), NATIVE)

    assert report.problems == []
    assert (report.created, report.written) == (5, True)
    assert native_export() == first
    green_village = Incident.objects.get(public_id="SYR-2022-00001")
    assert green_village.origin_location.name == "al-Mayadeen"
    assert Actor.objects.get(name="US-led Coalition (CJTF-OIR)").actor_type == 8
    assert Incident.objects.get(public_id="IRQ-2022-00001").retraction_reason.startswith("Misdated")


def test_reimporting_a_native_file_updates_the_same_incidents(seeded):
    exported = native_export().replace(
        "Eight rounds of indirect fire hit Green Village base", "Eight rounds hit Green Village"
    )

    report = import_incidents(io.StringIO(exported), NATIVE)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    assert Incident.objects.count() == 5
    assert (
        Incident.objects.get(public_id="SYR-2022-00001").title == "Eight rounds hit Green Village"
    )


def test_new_incidents_after_an_import_never_reuse_imported_ids(seeded):
    exported = native_export()
    empty_database()
    import_incidents(io.StringIO(exported), NATIVE)

    assert PublicIdCounter.reserve("IRQ-2022", 1) == ["IRQ-2022-00004"]


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def as_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def fifteen_new_rows(seeded_row: dict[str, str]) -> list[dict[str, str]]:
    rows = []
    for number in range(15):
        row = dict(
            seeded_row,
            public_id="",
            dataset="",
            dataset_event_id="",
            title=f"Imported rocket attack {number}",
        )
        rows.append(row)
    return rows


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(seeded):
    template = rows_of(native_export())[2]
    rows = fifteen_new_rows(template)
    rows[5]["date_start"] = "2022-13-45"  # file row 7 (the header is row 1)
    rows[10]["event_type"] = "Rocket attack"  # file row 12
    # A good row naming records the database does not hold: they must not be left behind.
    rows[0].update(
        location="Brand-new Outpost",
        actors=rows[0]["actors"].replace("Unidentified Iran-backed militia", "New Brigade"),
        source_titles="A report nobody has cited yet",
        tags="a brand-new tag",
    )
    written = (Incident, Incident.history.model, Actor, Location, Source, Tag, Citation)
    before = [model.objects.count() for model in written]

    report = import_incidents(io.StringIO(as_csv(rows)), NATIVE)

    assert not report.written
    assert [model.objects.count() for model in written] == before
    where = {(problem.row, problem.column) for problem in report.problems}
    assert (7, "date_start") in where
    assert (12, "event_type") in where
    assert {problem.row for problem in report.problems} == {7, 12}
    assert "Nothing was written" in report.summary()


def test_skipping_bad_rows_writes_the_good_ones(seeded):
    rows = fifteen_new_rows(rows_of(native_export())[2])
    rows[5]["date_start"] = "yesterday"

    report = import_incidents(io.StringIO(as_csv(rows)), NATIVE, skip_bad_rows=True)

    assert report.written
    assert (report.created, report.rows_with_problems) == (14, 1)
    assert Incident.objects.filter(title__startswith="Imported rocket attack").count() == 14


def test_dry_run_reports_but_writes_nothing(seeded):
    rows = fifteen_new_rows(rows_of(native_export())[2])
    rows[0]["location"] = "A place nobody has recorded"

    report = import_incidents(io.StringIO(as_csv(rows)), NATIVE, dry_run=True)

    assert (report.created, report.written) == (15, False)
    assert report.created_places == ["A place nobody has recorded"]
    assert not Incident.objects.filter(title__startswith="Imported").exists()
    assert not Location.objects.filter(name="A place nobody has recorded").exists()


def test_no_create_refuses_unknown_actors_and_places(seeded):
    rows = fifteen_new_rows(rows_of(native_export())[2])[:1]
    rows[0]["actors"] = "A new armed group (perpetrator, claimed)"
    rows[0]["actor_types"] = "3"

    report = import_incidents(io.StringIO(as_csv(rows)), NATIVE, create_missing=False)

    assert [(p.row, p.column) for p in report.problems] == [(2, "actors")]
    assert "creating records is turned off" in report.problems[0].message
    assert not Actor.objects.filter(name="A new armed group").exists()


def test_a_file_without_the_layouts_columns_is_refused_at_the_header():
    report = import_incidents(io.StringIO("id,name\n1,x\n"), NATIVE)

    assert report.problems[0].row == 1
    assert "public_id" in report.problems[0].column


@pytest.mark.parametrize("batch_size", [2, 5000])  # the repeat in a later batch, or in the same
def test_a_repeated_id_in_one_file_is_reported_not_written_twice(seeded, monkeypatch, batch_size):
    monkeypatch.setattr(imports, "BATCH_SIZE", batch_size)
    rows = rows_of(native_export())
    rows.append(dict(rows[0]))

    report = import_incidents(io.StringIO(as_csv(rows)), NATIVE)

    assert [(p.row, p.column) for p in report.problems] == [(7, "public_id")]
    assert "Row 2 already has the id" in report.problems[0].message
    assert not report.written


def test_citations_are_checked_by_the_models_rules(seeded):
    rows = fifteen_new_rows(rows_of(native_export())[2])[:2]
    rows[0]["stances"] = "agrees"
    rows[1]["quotes"] = ""

    report = import_incidents(io.StringIO(as_csv(rows)), NATIVE)

    assert {(p.row, p.column) for p in report.problems} == {(2, "stances"), (3, "quotes")}


def test_reimporting_an_edited_row_marks_it_changed_now(seeded):
    before = dict(Incident.objects.values_list("public_id", "updated_at"))
    exported = native_export().replace(
        "Eight rounds of indirect fire", "Eight indirect-fire rounds"
    )

    import_incidents(io.StringIO(exported), NATIVE)

    after = dict(Incident.objects.values_list("public_id", "updated_at"))
    assert after["SYR-2022-00001"] > before["SYR-2022-00001"]
    assert after["IRQ-2022-00001"] == before["IRQ-2022-00001"]


def test_empty_first_citation_lines_keep_quotes_with_their_sources(seeded):
    incident = seeded["5"]
    first = incident.citations.get()
    second_source = SourceFactory(
        title="Drones downed",
        publisher="Wire",
        url="https://example.org/drones",
        source_type="wire",
    )
    incident.citations.create(source=second_source, quote="Two drones.", locator="para 3")
    exported = native_export()
    empty_database()

    import_incidents(io.StringIO(exported), NATIVE)

    restored = Incident.objects.get(public_id=incident.public_id)
    pairs = [(c.source.url, c.locator, c.quote) for c in restored.citations.order_by("id")]
    assert pairs == [
        ("", first.locator, first.quote),
        ("https://example.org/drones", "para 3", "Two drones."),
    ]


def test_a_native_file_cannot_move_a_record_its_importer_could_not(seeded, editor):
    unpublished = native_export().replace(",published,", ",draft,")

    report = import_incidents(io.StringIO(unpublished), NATIVE, user=editor)

    assert not report.written
    assert {(problem.column, problem.message) for problem in report.problems} == {
        ("status", "A record that is published cannot become draft. It can become: retracted.")
    }
    assert set(Incident.objects.values_list("status", flat=True)) == {"published"}
