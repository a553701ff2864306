"""The derived columns: their SQL and in-memory forms agree, and bulk work can defer them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import connection

from incidents import derived
from incidents.models import DERIVED_FIELDS, Incident, Source
from incidents.taxonomy import ActorRole, Stance
from tests.factories import (
    ActorFactory,
    CitationFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
    PublisherFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

INCIDENTS = Path(__file__).resolve().parents[2] / "incidents"


def in_memory(incident: Incident) -> dict:
    """What incident_values() computes for `incident`, from its records as stored."""
    rows = incident.participants.select_related("actor").order_by("pk")
    citations = incident.citations.select_related("source").filter(stance=Stance.SUPPORTS)
    records = derived.IncidentRecords(
        incident=incident,
        place=incident.location,
        actors=[row.actor for row in rows],
        supporting_sources=[citation.source for citation in citations],
    )
    return derived.incident_values(records)


def stored(incident: Incident) -> dict:
    return dict(
        zip(
            derived.IN_MEMORY_FIELDS,
            Incident.objects.values_list(*derived.IN_MEMORY_FIELDS).get(pk=incident.pk),
            strict=True,
        )
    )


def test_sql_and_in_memory_search_documents_agree_on_awkward_data():
    """Accents, empty parts, several actors entered in another order than their ids'."""
    place = LocationFactory(name="Mayādīn", alternate_names="")
    accented = IncidentFactory(title="Tir d’artillerie près de Ḥarastā", summary="", location=place)
    zeta, alpha, mu = (
        ActorFactory(name="Ẓāhir brigade", aliases=""),
        ActorFactory(name="Alpha Front", aliases="AF\nJabhat Alif"),
        ActorFactory(name="Mu battalion", aliases="Katībat Mīm"),
    )
    for actor in (mu, zeta, alpha):
        IncidentActorFactory(incident=accented, actor=actor, role=ActorRole.PERPETRATOR)
    alone = IncidentFactory(
        title="Nobody named", summary="Ṣawt — “quoted”", location=LocationFactory(name="")
    )
    Incident.objects.update(search_document="", independent_sources=99)

    assert derived.refresh_incidents() == 2

    for incident in (accented, alone):
        incident.refresh_from_db()
        assert stored(incident) == in_memory(incident)
    document = stored(accented)["search_document"]
    assert document.index("Mu battalion") < document.index("Ẓāhir") < document.index("Alpha")


def test_sql_and_in_memory_counts_agree_with_keys_not_yet_written():
    incident = IncidentFactory()
    statement = SourceFactory(originator=ActorFactory())
    CitationFactory(incident=incident, source=statement)
    CitationFactory(incident=incident, source=SourceFactory(republished_from=statement))
    CitationFactory(incident=incident, source=SourceFactory(), stance=Stance.CONTRADICTS)
    fresh = Source.objects.bulk_create(
        [SourceFactory.build(publisher=PublisherFactory()) for _ in range(2)]
    )
    for source in fresh:  # no signals: no key
        CitationFactory(incident=incident, source=source)
    Incident.objects.update(independent_sources=0)

    derived.refresh_incidents([incident.pk], fields=["independent_sources"])

    assert stored(incident)["independent_sources"] == 3
    assert in_memory(incident)["independent_sources"] == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="vectors are PostgreSQL's")
def test_the_stored_vector_is_the_vector_of_the_in_memory_document():
    incident = IncidentFactory(title="Drones über Dayr az-Zawr")
    IncidentActorFactory(incident=incident, actor=ActorFactory(name="Liwa al-Bāqir"))
    document = in_memory(incident)["search_document"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {derived.search_vector_sql('%s')} = search_vector "
            "FROM incidents_incident WHERE id = %s",
            [document, incident.pk],
        )
        assert cursor.fetchone() == (True,)


def test_every_derived_field_of_incident_has_its_sql_and_in_memory_forms():
    assert {*derived.COLUMNS, "search_vector"} == set(DERIVED_FIELDS)
    assert set(derived.IN_MEMORY_FIELDS) == set(derived.COLUMNS)


def test_deferred_writes_refresh_nothing_until_the_caller_refreshes():
    incident = IncidentFactory(title="Shelling")
    source = SourceFactory()

    with derived.deferred():
        with derived.deferred():
            IncidentActorFactory(incident=incident, actor=ActorFactory(name="Saraya Warithin"))
        CitationFactory(incident=incident, source=source)
        assert "Warithin" not in stored(incident)["search_document"]
        assert stored(incident)["independent_sources"] == 0

    IncidentActorFactory(incident=incident, actor=ActorFactory(name="Kataib Sayyid"))
    assert "Sayyid" in stored(incident)["search_document"]  # refreshed by its signal again
    derived.refresh_incidents([incident.pk])
    assert stored(incident) == in_memory(incident)
    assert stored(incident)["independent_sources"] == 1


def test_the_models_import_no_service_module():
    """The models sit at the bottom of the app: what builds on them cannot be imported back."""
    allowed = (
        "incidents.models",
        "incidents.taxonomy",
        "incidents.querysets",
        "incidents.captures",
        "incidents.source_urls",  # a pure function of a string, like captures' hashing
    )
    imported = set()
    for path in (INCIDENTS / "models").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
                imported.update([node.module] if node.module != "incidents" else names)
    from_incidents = {name for name in imported if name.startswith("incidents")}
    assert {name for name in from_incidents if not name.startswith(allowed)} == set()
