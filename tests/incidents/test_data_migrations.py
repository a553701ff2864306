"""The data migrations compute derived data with their own frozen code, as the app does."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from incidents.models import Incident, Source
from incidents.taxonomy import ActorRole, Stance
from tests.factories import (
    ActorFactory,
    CitationFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def migration(name: str):
    return importlib.import_module(f"incidents.migrations.{name}")


def test_search_documents_of_migration_0002_are_the_ones_the_app_writes():
    place = LocationFactory(name="Ain al-Asad", alternate_names="Al Asad Air Base")
    incident = IncidentFactory(location=place, summary="Rockets hit the base.")
    IncidentActorFactory(incident=incident, actor=ActorFactory(name="Militia", aliases="Kataib"))
    IncidentActorFactory(incident=incident, role=ActorRole.TARGET)
    IncidentFactory(location=LocationFactory(alternate_names=""))  # no actors
    written = dict(Incident.objects.values_list("pk", "search_document"))
    Incident.objects.update(search_document="")

    migration("0002_incident_search_document").fill_documents(apps, None)

    assert dict(Incident.objects.values_list("pk", "search_document")) == written
    assert "Kataib" in written[incident.pk]


def test_keys_and_counts_of_migration_0008_are_the_ones_the_app_writes():
    originator = ActorFactory()
    original = SourceFactory()
    republication = SourceFactory(republished_from=original)
    claimed = SourceFactory(originator=originator)
    incident = IncidentFactory()
    for source in (original, republication, claimed, SourceFactory()):
        CitationFactory(incident=incident, source=source)
    CitationFactory(incident=incident, stance=Stance.CONTRADICTS)
    IncidentFactory()  # cites nothing
    keys = dict(Source.objects.values_list("pk", "independence_key"))
    counts = dict(Incident.objects.values_list("pk", "independent_sources"))
    Source.objects.update(independence_key="")
    Incident.objects.update(independent_sources=0)

    migration("0008_independence_keys_and_counts").compute_keys_and_counts(apps, None)

    assert dict(Source.objects.values_list("pk", "independence_key")) == keys
    assert dict(Incident.objects.values_list("pk", "independent_sources")) == counts
    assert counts[incident.pk] == 3


def test_migration_0011_gives_earlier_entries_their_authors_role_or_import():
    analyst = UserFactory(role="analyst")
    editor = UserFactory(role="editor")
    superuser = UserFactory(is_superuser=True)
    incident = IncidentFactory()  # written by no one
    for author, reason in [
        (analyst, ""),
        (editor, ""),
        (superuser, ""),
        (editor, "Imported from a.csv"),
    ]:
        incident._history_user = author
        incident._change_reason = reason
        incident.save()
    Incident.history.update(history_role="")

    migration("0011_history_role").fill_roles(apps, None)

    roles = Incident.history.order_by("history_id").values_list("history_role", flat=True)
    assert list(roles) == ["", "analyst", "editor", "editor", "import"]
