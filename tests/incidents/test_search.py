"""The search document behind `?q=`: what it holds and how it follows changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.derived import refresh_incidents
from incidents.models import Incident, IncidentActor
from incidents.search import matching
from incidents.taxonomy import ActorRole, Confidence
from tests.factories import (
    ActorFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db


def found(text: str) -> set[str]:
    return set(matching(Incident.objects.all(), text).values_list("title", flat=True))


def test_an_incident_is_found_by_title_summary_place_and_actor_names():
    place = LocationFactory(name="Ain al-Asad Air Base", alternate_names="Al Asad Airbase")
    incident = IncidentFactory(
        title="Rockets near the base", summary="No casualties reported.", location=place
    )
    IncidentActorFactory(
        incident=incident, actor=ActorFactory(name="Kataib Hezbollah", aliases="KH\nHezbollah")
    )
    IncidentFactory(title="Something else")

    for words in ("rockets", "casualties", "Airbase", "hezbollah", "KH", incident.public_id):
        assert found(words) == {"Rockets near the base"}, words


def test_every_word_must_match():
    IncidentFactory(title="Rocket attack on the airport")
    IncidentFactory(title="Drone attack on the base")

    assert found("attack airport") == {"Rocket attack on the airport"}
    assert found("attack") == {"Rocket attack on the airport", "Drone attack on the base"}


def test_adding_and_removing_an_actor_updates_the_document():
    incident = IncidentFactory(title="Shelling")
    row = IncidentActorFactory(incident=incident, actor=ActorFactory(name="Liwa Fatemiyoun"))
    assert found("Fatemiyoun") == {"Shelling"}

    row.delete()
    assert found("Fatemiyoun") == set()


def test_adding_an_actor_through_the_relation_updates_the_document():
    incident = IncidentFactory(title="Shelling")
    actor = ActorFactory(name="Liwa Zainebiyoun")

    incident.actors.add(actor, through_defaults={"role": ActorRole.PERPETRATOR})
    assert found("Zainebiyoun") == {"Shelling"}

    incident.actors.remove(actor)
    assert found("Zainebiyoun") == set()


def test_renaming_an_actor_updates_the_documents_of_its_incidents():
    actor = ActorFactory(name="Old name")
    IncidentActorFactory(incident=IncidentFactory(title="First"), actor=actor)
    IncidentActorFactory(incident=IncidentFactory(title="Second"), actor=actor)

    actor.aliases = "Saraya Awliya al-Dam"
    actor.save()

    assert found("Awliya") == {"First", "Second"}


def test_renaming_a_place_updates_the_documents_of_its_incidents():
    place = LocationFactory(name="Green Village")
    IncidentFactory(title="Indirect fire", location=place)

    place.alternate_names = "al-Omar oil field"
    place.save()

    assert found("Omar") == {"Indirect fire"}


def test_editing_an_incident_updates_its_document():
    incident = IncidentFactory(title="Rocket attack")

    incident.summary = "Launched from Jurf al-Sakhar."
    incident.save()

    assert found("Sakhar") == {"Rocket attack"}


def test_deleting_an_incident_does_not_rewrite_its_document_first():
    incident = IncidentFactory(title="Gone")
    IncidentActorFactory.create_batch(3, incident=incident)

    with CaptureQueriesContext(connection) as queries:
        incident.delete()

    assert not Incident.objects.exists()
    rewrites = [query for query in queries if query["sql"].startswith("UPDATE")]
    assert not [query for query in rewrites if "search_document" in query["sql"]]


def test_refresh_fills_documents_after_bulk_creation():
    place = LocationFactory(name="Mayadin")
    actor = ActorFactory(name="Harakat al-Nujaba")
    incidents = Incident.objects.bulk_create(
        Incident(
            public_id=f"SYR-2022-9{number:04d}",
            title=f"Bulk {number}",
            date_start=dt.date(2022, 1, 1),
            date_end=dt.date(2022, 1, 1),
            event_type="Explosions/Remote violence",
            sub_event_type="Shelling/artillery/missile attack",
            location=place,
            confidence=Confidence.LIKELY,
        )
        for number in range(30)
    )
    IncidentActor.objects.bulk_create(
        IncidentActor(incident=incident, actor=actor, role=ActorRole.PERPETRATOR)
        for incident in incidents[:10]
    )
    assert found("Nujaba") == set()

    refreshed = refresh_incidents([incident.pk for incident in incidents])

    assert refreshed == 30
    assert len(found("Mayadin")) == 30
    assert found("Nujaba") == {f"Bulk {number}" for number in range(10)}


def test_refresh_of_everything_and_of_a_queryset():
    incident = IncidentFactory(title="Rocket attack")
    Incident.objects.update(search_document="")

    assert refresh_incidents(Incident.objects.filter(pk=incident.pk).values("pk")) == 1
    Incident.objects.update(search_document="")
    assert refresh_incidents() == 1

    assert found("rocket") == {"Rocket attack"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL's")
def test_postgresql_search_uses_the_index():
    IncidentFactory.create_batch(50)
    queryset = matching(Incident.objects.order_by(), "rocket attack")
    with connection.cursor() as cursor:
        # With 50 rows scanning the table is cheaper; forbid it to see whether the index fits.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.explain()

    assert "Bitmap Index Scan on incident_search_vector" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="web search is PostgreSQL's")
def test_postgresql_search_stems_words_and_reads_web_search_syntax():
    IncidentFactory(title="Five rockets landed near the base")
    IncidentFactory(title="Rocket fire at the airport")

    assert found("rocket") == {"Five rockets landed near the base", "Rocket fire at the airport"}
    assert found("rocket -airport") == {"Five rockets landed near the base"}
    assert found('"rockets landed"') == {"Five rockets landed near the base"}
