from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from geo.models import Location
from incidents.models import (
    Actor,
    Citation,
    Incident,
    IncidentActor,
    IncidentRelation,
    Source,
    Tag,
)

pytestmark = pytest.mark.django_db

SHELLING = "Shelling/artillery/missile attack"
DISRUPTED = "Disrupted weapons use"


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def table_counts() -> dict[str, int]:
    models = [Incident, IncidentActor, Actor, Location, Source, Citation, IncidentRelation, Tag]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def incidents() -> dict[str, Incident]:
    seed()
    by_place = {}
    for incident in Incident.objects.select_related("location"):
        by_place[(incident.location.name, incident.date_start.day)] = incident
    return by_place


def test_seeding_twice_changes_nothing():
    seed()
    counts = table_counts()
    stamps = list(Incident.objects.values_list("public_id", "updated_at"))

    second_output = seed()

    assert table_counts() == counts
    assert list(Incident.objects.values_list("public_id", "updated_at")) == stamps
    assert counts == {
        "Incident": 5,
        "IncidentActor": 11,
        "Actor": 4,
        "Location": 4,
        "Source": 2,
        "Citation": 5,
        "IncidentRelation": 1,
        "Tag": 1,
    }
    assert "already existed" in second_output


def test_seed_events_carry_the_reported_figures(incidents):
    green_village = incidents[("Green Village", 5)]
    artillery = incidents[("al-Mayadeen", 5)]
    rockets = incidents[("Ain al-Asad Air Base", 5)]
    drones_ain_al_asad = incidents[("Ain al-Asad Air Base", 4)]
    drones_baghdad = incidents[("Baghdad International Airport", 3)]

    assert (green_village.munition_count, green_village.weapon) == (8, "mortar/indirect fire")
    assert (artillery.munition_count, artillery.weapon) == (6, "artillery")
    assert (rockets.munition_count, rockets.weapon) == (5, "rocket")
    assert drones_ain_al_asad.munition_count == drones_baghdad.munition_count == 2

    # "no casualties" is zero; the drones reports say nothing about casualties: unknown.
    for reported_none in (green_village, rockets):
        assert reported_none.fatalities_best == reported_none.injured == 0
    for not_reported in (artillery, drones_ain_al_asad, drones_baghdad):
        assert not_reported.fatalities_best is None
        assert not_reported.injured is None
    assert (green_village.damage, rockets.damage, drones_baghdad.damage) == (
        "minor",
        "none",
        "unknown",
    )


def test_seed_events_are_coded_as_the_report_reads(incidents):
    by_sub_type = sorted((i.date_start.day, i.sub_event_type) for i in incidents.values())
    assert by_sub_type == [
        (3, DISRUPTED),
        (4, DISRUPTED),
        (5, SHELLING),
        (5, SHELLING),
        (5, SHELLING),
    ]
    for incident in incidents.values():
        assert incident.status == "published"
        assert incident.confidence == "single source"
        incident.full_clean()
    assert incidents[("Ain al-Asad Air Base", 4)].outcome == "intercepted"
    assert incidents[("Baghdad International Airport", 3)].date_start == dt.date(2022, 1, 3)
    assert {i.public_id for i in incidents.values()} == {
        "SYR-2022-00001",
        "SYR-2022-00002",
        "IRQ-2022-00001",
        "IRQ-2022-00002",
        "IRQ-2022-00003",
    }


def test_seed_actors_have_roles_and_attribution(incidents):
    green_village = incidents[("Green Village", 5)]

    roles = {(p.actor.name, p.role, p.attribution) for p in green_village.participants.all()}

    assert roles == {
        ("Unidentified Iran-backed militia", "perpetrator", "alleged"),
        ("US-led Coalition (CJTF-OIR)", "target", "confirmed"),
        ("Syrian Democratic Forces", "target", "confirmed"),
    }
    militia = Actor.objects.get(name="Unidentified Iran-backed militia")
    assert [backer.name for backer in militia.backed_by.all()] == ["Government of Iran"]


def test_coalition_artillery_is_a_response_to_the_green_village_attack(incidents):
    relation = IncidentRelation.objects.get()

    assert relation.kind == "response to"
    assert relation.from_incident == incidents[("al-Mayadeen", 5)]
    assert relation.to_incident == incidents[("Green Village", 5)]
    assert incidents[("Green Village", 5)].origin_location.name == "al-Mayadeen"


def test_each_seed_citation_quotes_the_report(incidents):
    article = (
        "On Tuesday, two armed drones approached Ain al-Asad airbase and coalition forces shot "
        "them down. On Monday, the coalition also shot down two armed drones targeting its "
        "compound at Baghdad airport."
    )
    for incident in incidents.values():
        citation = incident.citations.select_related("source__republished_from").get()
        assert citation.source.publisher_id == "Track Persia"
        assert citation.source.republished_from.publisher_id == "Al Arabiya"
        assert citation.source.originator.name == "US-led Coalition (CJTF-OIR)"
        assert citation.quote
    baghdad = incidents[("Baghdad International Airport", 3)].citations.get()
    assert baghdad.quote in article


def test_seed_places_have_country_admin1_and_coordinates():
    seed()
    ain_al_asad = Location.objects.get(name="Ain al-Asad Air Base")

    assert (ain_al_asad.country, ain_al_asad.admin1) == ("IRQ", "IQ-AN")
    assert ain_al_asad.admin1_name == "Al Anbār"
    assert 33.7 < ain_al_asad.latitude < 33.9
    assert 42.3 < ain_al_asad.longitude < 42.5
    for place in Location.objects.all():
        place.full_clean()


def test_seed_prints_working_demo_logins():
    output = seed()

    for username in ("analyst", "editor", "researcher"):
        password = f"{username}-tessera"
        assert f"{username}" in output and password in output
        response = Client().post(reverse("login"), {"username": username, "password": password})
        assert response.status_code == 302  # logged in, sent on


def test_seed_without_users_creates_no_accounts():
    call_command("seed_demo", "--no-users", stdout=StringIO())

    from accounts.models import User

    assert not User.objects.exists()
    assert Incident.objects.count() == 5
