"""Writing the history entries of many records at once: the entries the ORM would write."""

from __future__ import annotations

import pytest
from django.db.models import Model

from core.history_writes import BulkHistory
from incidents.models import Actor, Citation
from tests.factories import ActorFactory, CitationFactory, IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def tracked_values(entry: Model) -> dict:
    return {f.attname: getattr(entry, f.attname) for f in type(entry).tracked_fields}


def test_an_entry_holds_what_the_orm_would_have_written(db):
    actor = ActorFactory()
    by_the_orm = actor.history.get()
    Actor.history.all().delete()

    BulkHistory(reason="Imported").created(Actor, [actor.pk])

    [entry] = actor.history.all()
    assert tracked_values(entry) == tracked_values(by_the_orm)
    assert (entry.history_type, entry.history_change_reason) == ("+", "Imported")


def test_every_entry_names_the_user_and_the_reason(db):
    user = UserFactory()
    actors = ActorFactory.create_batch(3)
    Actor.history.all().delete()

    BulkHistory(user=user, reason="Renamed in bulk").changed(Actor, [a.pk for a in actors[:2]])

    entries = Actor.history.order_by("id")
    assert [entry.id for entry in entries] == [actor.pk for actor in actors[:2]]
    assert {(e.history_type, e.history_user, e.history_change_reason) for e in entries} == {
        ("~", user, "Renamed in bulk")
    }


def test_an_anonymous_writer_names_nobody(db):
    actor = ActorFactory()
    Actor.history.all().delete()

    BulkHistory().created(Actor, [actor.pk])

    assert actor.history.get().history_user is None


def test_rows_are_found_by_another_column(db):
    incident, other = IncidentFactory(), IncidentFactory()
    citations = [CitationFactory(incident=incident), CitationFactory(incident=incident)]
    CitationFactory(incident=other)
    Citation.history.all().delete()

    BulkHistory().created(Citation, [incident.pk], by="incident_id")

    written = set(Citation.history.values_list("id", flat=True))
    assert written == {citation.pk for citation in citations}


def test_a_deletion_is_recorded_from_the_row_before_it_goes(db):
    actor = ActorFactory()
    history = BulkHistory(reason="Cleaned up")

    history.deleted(Actor, [actor.pk])
    Actor.objects.filter(pk=actor.pk).delete()

    latest = Actor.history.filter(id=actor.pk).latest("history_id")
    assert (latest.history_type, latest.name) == ("-", actor.name)


def test_nothing_is_written_when_history_is_turned_off(settings, db):
    actor = ActorFactory()
    Actor.history.all().delete()
    settings.SIMPLE_HISTORY_ENABLED = False

    BulkHistory().created(Actor, [actor.pk])
    BulkHistory().changed(Actor, [])

    assert not Actor.history.exists()
