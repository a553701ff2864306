"""The read model (incidents.PublicRecord) holds every public incident's API text as the
serializer writes it now, after every kind of change, and never a draft."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from accounts.roles import EDITOR
from csvio.export import export_chunks
from csvio.imports import import_incidents
from csvio.layouts.native import NATIVE
from incidents import derived
from incidents.api.public_records import render
from incidents.merging import merge
from incidents.models import Incident, IncidentRelation, PublicRecord, Tag
from incidents.taxonomy import ActorType, RelationKind, Status
from tests.factories import (
    ActorFactory,
    CitationFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
    PublisherFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def assert_in_step() -> None:
    """The table holds exactly the public incidents, each as the serializer writes it now."""
    fresh = {pk: (version, text) for pk, version, text in render(Incident.objects.public())}
    stored = {row.incident_id: (row.version, row.text) for row in PublicRecord.objects.all()}
    assert stored == fresh


def shown(incident: Incident) -> dict:
    assert_in_step()
    # Strictly JSON once a read puts the base and date in place of their marks.
    return json.loads(PublicRecord.objects.get(incident=incident).text, strict=False)


@pytest.fixture
def incident():
    incident = IncidentFactory(origin_location=LocationFactory(name="Hit"))
    IncidentActorFactory(incident=incident, actor=ActorFactory(name="Kataib Hezbollah"))
    CitationFactory(incident=incident, source=SourceFactory(title="Rockets at dawn"))
    incident.tags.add(Tag.objects.create(name="drones"))
    return incident


def test_an_edit_of_the_incident_is_shown(incident):
    incident.title = "Six rockets"
    incident.save()
    assert shown(incident)["title"] == "Six rockets"


def test_an_actors_new_name_and_kind_are_shown(incident):
    actor = incident.participants.get().actor
    actor.name = "KH"
    actor.save()
    assert shown(incident)["actors"][0]["actor"]["name"] == "KH"
    actor.actor_type = ActorType.STATE_FORCES
    actor.save()
    assert shown(incident)["actors"][0]["actor"]["actor_type"] == ActorType.STATE_FORCES


def test_a_moved_or_renamed_place_is_shown(incident):
    place = incident.location
    place.latitude = 33.5
    place.save()
    assert shown(incident)["location"]["latitude"] == 33.5
    origin = incident.origin_location
    origin.name = "Hit district"
    origin.save()
    assert shown(incident)["origin_location"]["name"] == "Hit district"


def test_an_edited_source_is_shown(incident):
    source = incident.citations.get().source
    source.publisher = PublisherFactory(name="Another Wire")
    source.save()
    assert shown(incident)["citations"][0]["source"]["publisher"] == "Another Wire"


def test_citations_added_edited_and_removed_are_shown(incident):
    added = CitationFactory(incident=incident, quote="Two more landed.")
    assert [c["quote"] for c in shown(incident)["citations"]][-1] == "Two more landed."
    assert shown(incident)["independent_sources"] == 2
    added.quote = "Three more landed."
    added.save()
    assert "Three more landed." in PublicRecord.objects.get(incident=incident).text
    added.delete()
    assert len(shown(incident)["citations"]) == 1


def test_tags_added_renamed_and_deleted_are_shown(incident):
    incident.tags.add(Tag.objects.create(name="rockets"))
    assert shown(incident)["tags"] == ["drones", "rockets"]
    tag = Tag.objects.get(name="drones")
    tag.name = "UAV"
    tag.save()
    assert shown(incident)["tags"] == ["UAV", "rockets"]
    tag.delete()
    assert shown(incident)["tags"] == ["rockets"]
    Tag.objects.get(name="rockets").incidents.clear()
    assert shown(incident)["tags"] == []


def test_a_record_enters_when_published_and_leaves_when_sent_back():
    draft = IncidentFactory(status=Status.DRAFT)
    assert not PublicRecord.objects.filter(incident=draft).exists()
    draft.status = Status.PUBLISHED
    draft.save()
    assert shown(draft)["status"] == "published"
    draft.status = Status.RETRACTED
    draft.retraction_reason = "Reported in error."
    draft.save()
    assert shown(draft)["status"] == "retracted"
    Incident.objects.filter(pk=draft.pk).update(status=Status.DRAFT, version=99)
    derived.refresh_public_records([draft.pk])
    assert not PublicRecord.objects.filter(incident=draft).exists()


def test_a_link_shows_its_other_end_once_that_end_is_public(incident):
    other = IncidentFactory(status=Status.IN_REVIEW, title="The response")
    IncidentRelation.objects.create(
        from_incident=other, to_incident=incident, kind=RelationKind.RESPONSE_TO
    )
    assert shown(incident)["relations"] == []
    other.status = Status.PUBLISHED
    other.save()
    assert shown(incident)["relations"][0]["incident"]["title"] == "The response"
    other.title = "The coalition's response"
    other.save()
    assert shown(incident)["relations"][0]["incident"]["title"] == "The coalition's response"
    other.delete()
    assert shown(incident)["relations"] == []


def test_a_merge_is_shown_on_both_records(incident):
    duplicate = IncidentFactory(title="Same rockets")
    CitationFactory(incident=duplicate, quote="From the other wire.")
    merge(duplicate, incident, user=UserFactory(role=EDITOR))
    assert shown(duplicate)["duplicate_of"]["public_id"] == incident.public_id
    kept = shown(incident)
    assert "From the other wire." in [c["quote"] for c in kept["citations"]]
    assert kept["relations"][0]["incident"]["public_id"] == duplicate.public_id
    incident.title = "Rockets, merged"
    incident.save()
    assert shown(duplicate)["duplicate_of"]["title"] == "Rockets, merged"


def test_an_import_is_shown(incident):
    exported = "".join(export_chunks(Incident.objects.all(), NATIVE, "csv"))
    changed = exported.replace(incident.title, "Imported title")
    report = import_incidents(io.StringIO(changed, newline=""), NATIVE)
    assert report.problems == [] and report.updated == 1
    assert shown(incident)["title"] == "Imported title"
    PublicRecord.objects.all().delete()
    copy = exported.replace(incident.public_id, "").replace(incident.title, "A new one")
    import_incidents(io.StringIO(copy, newline=""), NATIVE)
    assert_in_step()


def test_drafts_never_enter_whatever_moves_them(incident):
    records = [IncidentFactory(status=status) for status in Status.values for _ in range(2)]
    for record in records[:4]:
        record.status = Status.PUBLISHED if record.status != Status.PUBLISHED else Status.DRAFT
        record.save()
    public = set(Incident.objects.public().values_list("pk", flat=True))
    assert set(PublicRecord.objects.values_list("incident_id", flat=True)) == public
    assert_in_step()


def test_migrate_and_the_command_fill_an_empty_read_model(incident):
    IncidentFactory.create_batch(3)
    PublicRecord.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert_in_step()
    PublicRecord.objects.update(text="{}")
    call_command("refresh_public_records", stdout=io.StringIO())
    assert PublicRecord.objects.filter(text="{}").count() == 4  # versions match: not stale
    call_command("refresh_public_records", "--all", stdout=io.StringIO())
    assert_in_step()


def test_the_demo_data_enters_as_it_loads(seeded):
    assert PublicRecord.objects.count() == len(seeded)
    assert_in_step()


def test_a_record_loaded_in_bulk_catches_up_when_its_version_moves():
    incident = IncidentFactory(date_start=dt.date(2022, 1, 1))
    Incident.objects.filter(pk=incident.pk).update(title="Written by COPY", version=5)
    derived.refresh_stale_public_records()
    assert shown(incident)["title"] == "Written by COPY"
