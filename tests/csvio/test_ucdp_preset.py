from __future__ import annotations

import csv
import datetime as dt
import io
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.db import connection

from csvio.export import export_chunks
from csvio.imports import ImportReport, import_incidents
from csvio.layouts.ucdp import UCDP
from geo.models import Location
from incidents.models import (
    Actor,
    Citation,
    Incident,
    IncidentActor,
    PublicIdCounter,
    Publisher,
    Source,
    Tag,
)
from incidents.taxonomy import ActorRole, ActorType, Confidence, Status
from tests.csvio.test_native_preset import empty_database
from tests.factories import (
    ActorFactory,
    CitationFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "ucdp-ged-syria-2016-sample.csv"
SAMPLE_EVENTS = 617


def sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def import_text(text: str, **options) -> ImportReport:
    return import_incidents(io.StringIO(text, newline=""), UCDP, **options)


def import_sample() -> ImportReport:
    with SAMPLE.open(newline="", encoding="utf-8") as file:
        return import_incidents(file, UCDP)


def as_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=UCDP.header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def exported_rows(incidents=None, *, include_all: bool = False) -> list[dict[str, str]]:
    queryset = UCDP.export_queryset(
        incidents if incidents is not None else Incident.objects.all(), include_all=include_all
    )
    text = "".join(export_chunks(queryset, UCDP, "csv"))
    return list(csv.DictReader(io.StringIO(text, newline="")))


def export(incidents=None, *, include_all: bool = False) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in exported_rows(incidents, include_all=include_all)}


@dataclass
class TimedImport:
    report: ImportReport
    seconds: float
    queries: int


def timed_import_of_sample() -> TimedImport:
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        report = import_sample()
    return TimedImport(report, time.perf_counter() - started, queries)


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker):
    """The sample imported once for the module: each test's own writes are rolled back."""
    with django_db_blocker.unblock():
        imported = timed_import_of_sample()
        yield imported
        Incident.objects.all().delete()
        for model in (Actor, Source, Publisher, Location, Tag, PublicIdCounter):
            model.objects.all().delete()
        # The audit trail keeps what was deleted: the next module starts without it.
        for model in (Incident, IncidentActor, Citation, Actor, Source, Publisher, Location):
            model.history.all().delete()
        # Committed outside any test's transaction: what is left here, every later test sees.
        left = [model for model in _domain_models() if model.objects.exists()]
        assert left == [], f"the sample's module left rows in {left}"


def _domain_models() -> list:
    return [
        model
        for label in ("incidents", "geo")
        for model in django_apps.get_app_config(label).get_models()
    ]


def test_importing_the_sample_creates_one_incident_per_event(sample):
    report = sample.report

    assert report.problems == []
    assert (report.rows, report.created, report.written) == (SAMPLE_EVENTS, SAMPLE_EVENTS, True)
    assert Incident.objects.filter(dataset="ucdp-ged").count() == SAMPLE_EVENTS


def test_importing_the_sample_again_updates_instead_of_duplicating(sample):
    counts = (Actor.objects.count(), Location.objects.count(), Source.objects.count())

    report = import_sample()

    assert report.problems == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, SAMPLE_EVENTS)
    assert f"0 updated, {SAMPLE_EVENTS} unchanged" in report.summary()
    assert Incident.objects.count() == SAMPLE_EVENTS
    assert Citation.objects.count() == sum(
        len(row["source_office"].split(";")) for row in sample_rows()
    )
    assert (Actor.objects.count(), Location.objects.count(), Source.objects.count()) == counts


def test_export_gives_back_every_cell_of_every_row_of_the_sample(sample):
    written = exported_rows(Incident.objects.order_by("id"))

    rows = sample_rows()
    assert [row["id"] for row in written] == [row["id"] for row in rows]  # each event once
    for row, back in zip(rows, written, strict=True):
        for column in UCDP.header:
            assert back[column] == row[column], (row["id"], column)
    # And so the file itself, GED's quoting included (the export ends its lines as csv.writer
    # does, with CRLF; the sample file with LF).
    text = "".join(export_chunks(Incident.objects.order_by("id"), UCDP, "csv"))
    assert text.replace("\r\n", "\n") == SAMPLE.read_text(encoding="utf-8")


def test_a_state_based_event_is_coded_as_a_clash_between_two_parties(sample):
    incident = Incident.objects.get(dataset_event_id="214797")

    assert incident.title == "Government of Syria – Syrian insurgents, Teir Maaleh village"
    assert (incident.event_type, incident.sub_event_type) == ("Battles", "Armed clash")
    assert (incident.violence_type, incident.status) == (1, Status.PUBLISHED)
    assert incident.confidence == Confidence.LIKELY
    sides = {(p.side, p.actor.name, p.role, p.attribution) for p in incident.participants.all()}
    assert sides == {
        ("A", "Government of Syria", ActorRole.PARTY, "confirmed"),
        ("B", "Syrian insurgents", ActorRole.PARTY, "confirmed"),
    }
    assert Actor.objects.get(name="Government of Syria").actor_type == ActorType.STATE_FORCES
    place = incident.location
    assert (place.name, place.kind, place.country, place.admin2) == (
        "Teir Maaleh village", "village", "SYR", "Ar Rastan district",
    )  # fmt: skip
    citation = incident.citations.get()
    assert citation.source.published_at == dt.date(2015, 1, 1)  # before the event, as in GED
    assert citation.quote == citation.source.title != ""


def test_one_sided_violence_has_a_perpetrator_and_civilian_targets(sample):
    incident = Incident.objects.filter(violence_type=3, participants__actor__name="IS").first()

    assert (incident.event_type, incident.sub_event_type) == (
        "Violence against civilians",
        "Attack",
    )
    roles = {(p.side, p.actor.name, p.role) for p in incident.participants.all()}
    assert roles == {("A", "IS", ActorRole.PERPETRATOR), ("B", "Civilians", ActorRole.TARGET)}
    assert Actor.objects.get(name="Civilians").actor_type == ActorType.CIVILIANS


def test_a_side_of_several_groups_gives_one_actor_each(sample):
    row = next(r for r in sample_rows() if r["side_a"] == "Fatah Halab, Jabhat Fateh al-Sham")

    incident = Incident.objects.get(dataset_event_id=row["id"])

    side_a = {p.actor.name for p in incident.participants.all() if p.side == "A"}
    assert side_a == {"Fatah Halab", "Jabhat Fateh al-Sham"}


def test_several_sources_become_one_citation_each_even_with_semicolons_in_headlines(sample):
    # Two SOHR reports whose headlines carry HTML entities (&#8220;) with semicolons.
    incident = Incident.objects.get(dataset_event_id="223484")

    titles = [citation.source.title for citation in incident.citations.all()]
    assert titles[0] == "About 440 killed and executed during the past 5 days in Der-Ezzor"
    assert titles[1].startswith("The &#8220;Islamic State&#8221; meet sheikhs")


def test_admin1_is_matched_to_iso_when_the_names_agree(sample):
    idlib = Location.objects.filter(incidents__dataset_fields__adm_1="Idlib Governorate").first()
    homs = Location.objects.filter(incidents__dataset_fields__adm_1="Homs Governorate").first()

    assert idlib.admin1 == "SY-ID"
    assert homs.admin1 == ""  # GED's "Homs" is ISO's "Ḩimş": left empty, not guessed


def test_low_clarity_events_are_contested(sample):
    low_clarity = {r["id"] for r in sample_rows() if r["event_clarity"] == "2"}

    contested = Incident.objects.filter(confidence=Confidence.CONTESTED)

    assert set(contested.values_list("dataset_event_id", flat=True)) == low_clarity


def test_incident_without_deaths_or_type_of_violence_is_left_out_unless_include_all():
    no_deaths = IncidentFactory(violence_type=1, fatalities_low=0, fatalities_best=0,
                                fatalities_high=0)  # fmt: skip
    unknown = IncidentFactory(violence_type=1)
    possible_death = IncidentFactory(
        violence_type=1, fatalities_low=0, fatalities_best=0, fatalities_high=1
    )
    riot = IncidentFactory(fatalities_best=2)  # no UCDP type of violence: GED would not code it

    mine = Incident.objects.filter(pk__in=[no_deaths.pk, unknown.pk, possible_death.pk, riot.pk])

    assert set(export(mine)) == {possible_death.public_id}
    assert set(export(mine, include_all=True)) == {
        no_deaths.public_id,
        unknown.public_id,
        possible_death.public_id,
        riot.public_id,
    }


def test_an_empty_type_of_violence_is_refused_and_says_why(seeded):
    rows = exported_rows(Incident.objects.filter(dataset="tessera-demo"), include_all=True)
    assert rows and not any(row["type_of_violence"] for row in rows)
    empty_database()  # so that the rows name no record of this database
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    report = import_incidents(io.StringIO(text.getvalue()), UCDP, dry_run=True)

    problem = report.problems[0]
    assert problem.column == "type_of_violence" and "include_all" in problem.message


def test_incident_entered_in_tessera_exports_what_can_be_computed():
    incident = IncidentFactory(
        date_start=dt.date(2022, 1, 5),
        date_precision="week",
        location=LocationFactory(name="Green Village", latitude=35.1, longitude=-40.5),
        fatalities_best=2,
        fatalities_high=3,
        confidence=Confidence.CONTESTED,
        violence_type=3,
    )
    IncidentActorFactory(incident=incident, actor=ActorFactory(name="Militia X"))
    IncidentActorFactory(incident=incident, actor=ActorFactory(name="Militia Y"))
    IncidentActorFactory(
        incident=incident, actor=ActorFactory(name="Villagers"), role=ActorRole.TARGET
    )
    CitationFactory(incident=incident, source__title="=Rockets hit", source__publisher="Wire")

    row = export(Incident.objects.filter(pk=incident.pk))[incident.public_id]

    assert (row["year"], row["type_of_violence"], row["date_prec"]) == ("2022", "3", "3")
    assert (row["side_a"], row["side_b"]) == ("Militia X; Militia Y", "Villagers")
    assert (row["latitude"], row["longitude"]) == ("35.1", "-40.5")  # numbers stay numbers
    assert row["geom_wkt"] == "POINT (-40.5 35.1)"
    assert row["priogrid_gid"] == str(250 * 720 + 279 + 1)
    assert (row["country"], row["event_clarity"], row["number_of_sources"]) == ("Iraq", "2", "1")
    assert row["source_headline"] == "'=Rockets hit"  # neutralised against formulas
    assert row["source_article"] == '"Wire,2022-01-06,=Rockets hit"'
    # Deaths by side are unknown, not zero.
    assert [row[c] for c in ("deaths_a", "deaths_b", "deaths_civilians", "low")] == ["", "", "", ""]
    assert (row["best"], row["high"], row["conflict_new_id"]) == ("2", "3", "")


def test_bad_rows_are_reported_with_row_and_column_and_nothing_is_written():
    rows = sample_rows()[:12]
    rows[5]["date_start"] = "2016-02-30"  # row 7 of the file: the header is row 1
    rows[10]["type_of_violence"] = "4"  # row 12
    for row in rows:
        row["id"] = "9" + row["id"]  # events the database does not hold yet
    # A good row naming sides, a place and a source the database does not hold: they must
    # not be left behind, whatever the module's other tests imported before.
    rows[0].update(
        side_a="Government of Nowhere",
        side_b="Nowhere Liberation Front",
        where_coordinates="Nowhere village",
        latitude="35.1234",
        longitude="38.4321",
        source_headline="A headline nobody has cited yet",
    )
    written = (Incident, Incident.history.model, Actor, Location, Source, Citation)
    before = [model.objects.count() for model in written]

    report = import_text(as_csv(rows))

    problems = {(problem.row, problem.column) for problem in report.problems}
    assert problems == {(7, "date_start"), (12, "type_of_violence")}
    assert "2016-02-30" in str(report.problems[0])
    assert not report.written
    assert [model.objects.count() for model in written] == before


def test_dates_with_a_time_part_are_read():
    row = sample_rows()[0]
    row["date_start"] = row["date_end"] = "2016-01-01 00:00:00.000"
    row["id"] = "9" + row["id"]

    report = import_text(as_csv([row]))

    assert report.problems == []
    assert Incident.objects.get(dataset_event_id=row["id"]).date_start == dt.date(2016, 1, 1)


def test_a_country_iso_does_not_know_is_refused_on_its_column():
    row = sample_rows()[0]
    row["country"] = "Atlantis"

    report = import_text(as_csv([row]))

    assert (2, "country") in [(p.row, p.column) for p in report.problems]
    assert not report.written


def test_the_sample_imports_in_bulk(sample):
    assert sample.report.written
    # Places, actors and sources are still looked up and created one by one (about 2,700
    # queries for 290 places, 25 actors and 680 sources); incidents and their rows go in bulk.
    assert sample.queries < 5 * SAMPLE_EVENTS
