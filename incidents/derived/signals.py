"""When a derived column goes stale: the ORM writes that refresh it, and how bulk work defers that.

    column                         stale after an ORM write of
    Incident.search_document       the incident's public id, title, summary or place; its actor
      (and search_vector)          rows (saved, deleted, or added through `incident.actors`);
                                   the names of one of its actors or of its place
    Incident.independent_sources   its citations (saved or deleted); the key of a cited source
    Source.independence_key        its `republished_from` or `originator`; the deletion of the
                                   source or actor it links to (SET_NULL sends no signal)

Writes that send no signals (bulk_create, QuerySet.update, raw SQL) refresh with
incidents.derived.refresh. Inside `deferred()` no signal refreshes anything: bulk work that
writes many rows refreshes once afterwards, or writes the values with the rows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from geo.models import Location
from incidents.derived.independent_sources import CHAIN_FIELDS, CITATION_FIELDS, LINK_FIELDS
from incidents.derived.refresh import refresh_incidents, refresh_sources
from incidents.derived.search_document import INCIDENT_FIELDS, NAME_FIELDS
from incidents.models import Actor, Citation, Incident, IncidentActor, Source
from incidents.taxonomy import Stance

DOCUMENT = ["search_document"]
COUNT = ["independent_sources"]

_deferred: ContextVar[bool] = ContextVar("derived_refreshes_deferred", default=False)


@contextmanager
def deferred() -> Iterator[None]:
    """Skip every refresh the signals would make; the caller refreshes in bulk afterwards (or
    writes the values with the rows), instead of one refresh per row it touches."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def _unless_deferred(handler: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(handler)
    def handle(*args: Any, **kwargs: Any) -> None:
        if not _deferred.get():
            handler(*args, **kwargs)

    return handle


def connect_signals() -> None:
    def connect(signal, handler, sender, name: str) -> None:
        signal.connect(handler, sender=sender, dispatch_uid=f"derived-{name}")

    # The search document
    connect(post_save, _incident_saved, Incident, "incident")
    connect(post_save, _actor_row_saved, IncidentActor, "actor-row")
    connect(post_delete, _actor_row_deleted, IncidentActor, "actor-row-deleted")
    connect(m2m_changed, _actors_changed, Incident.actors.through, "incident-actors")
    for model in (Actor, Location):
        label = model._meta.label_lower
        connect(pre_save, _remember_names, model, f"names-before-{label}")
        connect(post_save, _names_saved, model, f"names-{label}")
    # The independent sources
    connect(pre_save, _remember_citation, Citation, "citation-before")
    connect(post_save, _citation_saved, Citation, "citation")
    connect(post_delete, _citation_deleted, Citation, "citation-deleted")
    # The independence keys
    connect(pre_save, _remember_chain, Source, "chain-before")
    connect(post_save, _source_saved, Source, "chain")
    for linked in (Source, Actor):
        label = linked._meta.label_lower
        connect(pre_delete, _remember_linked_sources, linked, f"linked-{label}")
        connect(post_delete, _linked_sources_unlinked, linked, f"linked-{label}-deleted")


# -- Remembering fields between pre_save and post_save ---------------------------------------


def _remember(instance: Model, fields: tuple[str, ...], raw: bool, update_fields) -> None:
    """Keep the fields as the database holds them before this save (None for a new row).

    Nothing is kept, and the save is skipped afterwards, when it is raw (loaddata brings the
    derived values along) or writes only other fields.
    """
    saved = None
    if update_fields is not None:
        saved = {
            field.attname
            for field in type(instance)._meta.concrete_fields
            if field.name in update_fields or field.attname in update_fields
        }
    skip = raw or (saved is not None and not saved & set(fields))
    before = None
    if not skip and not instance._state.adding:
        stored = type(instance)._default_manager.filter(pk=instance.pk)
        before = stored.values_list(*fields).first()
    instance.__dict__.setdefault("_derived_before", {})[fields] = (skip, before)


def _changed(instance: Model, fields: tuple[str, ...]) -> tuple[tuple | None, tuple] | None:
    """(before, now) when this save changed the fields, else None."""
    skip, before = instance.__dict__.get("_derived_before", {}).pop(fields, (True, None))
    if skip:
        return None
    now = tuple(getattr(instance, field) for field in fields)
    return None if before == now else (before, now)


def _deletes_the_incident(origin: Any) -> bool:
    """Whether a deletion started from incidents, which takes their actor rows and citations:
    nothing is left to refresh."""
    return isinstance(origin, Incident) or getattr(origin, "model", None) is Incident


# -- The search document ---------------------------------------------------------------------


@_unless_deferred
def _incident_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is None or INCIDENT_FIELDS & set(update_fields):
        refresh_incidents([instance.pk], fields=DOCUMENT)


@_unless_deferred
def _actor_row_saved(sender, instance, **kwargs) -> None:
    refresh_incidents([instance.incident_id], fields=DOCUMENT)


@_unless_deferred
def _actor_row_deleted(sender, instance, origin=None, **kwargs) -> None:
    if not _deletes_the_incident(origin):
        refresh_incidents([instance.incident_id], fields=DOCUMENT)


@_unless_deferred
def _actors_changed(sender, instance, action, reverse, pk_set=None, **kwargs) -> None:
    """`incident.actors.add(...)` and friends write IncidentActor rows without post_save."""
    if action == "pre_clear" and reverse:  # the ids are gone after the clear
        instance._derived_cleared = list(
            IncidentActor.objects.filter(actor=instance).values_list("incident_id", flat=True)
        )
    elif action == "post_clear" and reverse:
        cleared = instance.__dict__.pop("_derived_cleared", [])
        refresh_incidents(cleared, fields=DOCUMENT)
    elif action in ("post_add", "post_remove", "post_clear"):
        refresh_incidents((pk_set or []) if reverse else [instance.pk], fields=DOCUMENT)


@_unless_deferred
def _remember_names(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    _remember(instance, NAME_FIELDS[sender._meta.label_lower], raw, update_fields)


@_unless_deferred
def _names_saved(sender, instance, created=False, **kwargs) -> None:
    """Rewrite the documents that hold an actor's or a place's names, when those changed."""
    change = _changed(instance, NAME_FIELDS[sender._meta.label_lower])
    if created or change is None:
        return
    affected: QuerySet
    if sender is Actor:
        affected = IncidentActor.objects.filter(actor=instance).values("incident_id")
    else:
        affected = Incident.objects.filter(location=instance).values("pk")
    refresh_incidents(affected, fields=DOCUMENT)


# -- The independent sources -----------------------------------------------------------------


@_unless_deferred
def _remember_citation(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    _remember(instance, CITATION_FIELDS, raw, update_fields)


@_unless_deferred
def _citation_saved(sender, instance, **kwargs) -> None:
    """Recount the incidents the citation supported before and supports now."""
    change = _changed(instance, CITATION_FIELDS)
    if change is None:
        return
    supported = [state[0] for state in change if state is not None and state[2] == Stance.SUPPORTS]
    refresh_incidents(supported, fields=COUNT)


@_unless_deferred
def _citation_deleted(sender, instance, origin=None, **kwargs) -> None:
    if instance.stance == Stance.SUPPORTS and not _deletes_the_incident(origin):
        refresh_incidents([instance.incident_id], fields=COUNT)


# -- The independence keys -------------------------------------------------------------------


@_unless_deferred
def _remember_chain(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    _remember(instance, CHAIN_FIELDS, raw, update_fields)


@_unless_deferred
def _source_saved(sender, instance, **kwargs) -> None:
    """A new source, or one that republishes another or names another originator: new keys."""
    if _changed(instance, CHAIN_FIELDS):
        refresh_sources([instance.pk])


@_unless_deferred
def _remember_linked_sources(sender, instance, **kwargs) -> None:
    field = LINK_FIELDS[sender._meta.label_lower]
    linked = Source.objects.filter(**{field: instance}).values_list("pk", flat=True)
    instance._derived_linked = list(linked)


@_unless_deferred
def _linked_sources_unlinked(sender, instance, **kwargs) -> None:
    """Deleting a source or an actor empties the links that named it (SET_NULL, an UPDATE
    without signals): the sources that had those links get new keys."""
    linked = instance.__dict__.pop("_derived_linked", [])
    if linked:
        refresh_sources(linked)
