"""Generated incidents read like any others: derived columns, history, versions."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from rest_framework.test import APIClient

from bench import generator
from geo.models import Location
from incidents import derived
from incidents.api.public_records import render
from incidents.models import Actor, Citation, Incident, IncidentActor, PublicRecord, Source
from incidents.taxonomy import Status

pytestmark = pytest.mark.usefixtures("small_pools")


def derived_columns() -> dict[int, tuple]:
    columns = ["search_document", "independent_sources"]
    if connection.vendor == "postgresql":
        columns.append("search_vector")
    return {
        pk: tuple(values)
        for pk, *values in Incident.objects.filter(dataset="synthetic").values_list("pk", *columns)
    }


def busiest(model, field: str, rank: int = 0):
    """The pool's record that the most incidents name (or the next ones, by `rank`)."""
    counted = Counter(model.objects.values_list(field, flat=True))
    return counted.most_common()[rank][0]


@pytest.mark.django_db
def test_derived_columns_are_those_the_set_based_refresh_computes():
    generator.generate(30, seed=1)
    # Names, aliases and a republication in the pools, which the next run's documents and
    # counts of independent sources must take into account.
    place = Location.objects.get(pk=busiest(Incident, "location_id"))
    place.alternate_names = "Qaryat al-Ikhtibar"
    place.save()
    actor = Actor.objects.get(pk=busiest(IncidentActor, "actor_id"))
    actor.aliases = "The Test Brigade"
    actor.save()
    cited = Source.objects.get(pk=busiest(Citation, "source_id"))
    second = Source.objects.get(pk=busiest(Citation, "source_id", rank=1))
    second.republished_from = cited
    second.save()
    Incident.objects.filter(dataset="synthetic").delete()

    generator.generate(300, seed=2, batch_size=70)

    written = derived_columns()
    derived.refresh_incidents(written)
    assert derived_columns() == written
    documents = [document for document, *_ in written.values()]
    assert any("Qaryat al-Ikhtibar" in document for document in documents)
    assert any("The Test Brigade" in document for document in documents)
    both = Citation.objects.filter(source=cited).values("incident_id")
    assert Citation.objects.filter(source=second, incident_id__in=both).exists()


def assert_read_model_in_step() -> None:
    """The read model holds exactly the public incidents, each as the serializer writes it."""
    fresh = {pk: (version, text) for pk, version, text in render(Incident.objects.public())}
    stored = {row.incident_id: (row.version, row.text) for row in PublicRecord.objects.all()}
    assert stored == fresh


@pytest.mark.django_db
def test_generated_public_incidents_enter_the_read_model_and_drafts_do_not():
    generator.generate(60, seed=6, batch_size=25)

    assert_read_model_in_step()
    drafts = Incident.objects.filter(dataset="synthetic").exclude(
        pk__in=Incident.objects.public().values("pk")
    )
    assert drafts.exists()
    assert not PublicRecord.objects.filter(incident__in=drafts).exists()


@pytest.mark.django_db
def test_every_incident_and_its_rows_have_a_created_history_entry():
    generator.generate(40, seed=3, batch_size=15)

    incidents = Incident.objects.filter(dataset="synthetic")
    entries = Incident.history.filter(dataset="synthetic")
    assert entries.count() == incidents.count() == 40
    assert set(entries.values_list("history_type", "history_role", "version")) == {
        ("+", "import", 1)
    }
    for model in (IncidentActor, Citation):
        rows = model.objects.filter(incident__dataset="synthetic")
        assert model.history.filter(incident_id__in=incidents.values("pk")).count() == rows.count()


@pytest.mark.django_db
def test_a_generated_incidents_history_and_first_version_can_be_read_publicly():
    generator.generate(20, seed=4)
    incident = Incident.objects.filter(dataset="synthetic", status=Status.PUBLISHED).first()

    history = APIClient().get(f"/api/v1/incidents/{incident.public_id}/history/")
    version = APIClient().get(f"/incidents/{incident.public_id}/v/1/")

    assert history.status_code == 200
    assert [entry["change"] for entry in history.json()["results"]] == ["created"]
    assert version.status_code == 200
    assert incident.title in version.content.decode()


@pytest.mark.django_db(transaction=True)
def test_batches_written_by_writer_threads_are_all_committed():
    # Outside a transaction, PostgreSQL's batches are written by threads of their own.
    report = generator.generate(45, seed=5, batch_size=10)

    assert report.incidents == 45
    incidents = Incident.objects.filter(dataset="synthetic")
    assert incidents.count() == 45
    assert Incident.history.filter(dataset="synthetic").count() == 45
    assert IncidentActor.objects.filter(incident__dataset="synthetic").count() == (
        report.participants
    )
    assert Citation.objects.filter(incident__dataset="synthetic").count() == report.citations
    assert_read_model_in_step()
