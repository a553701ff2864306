"""When a derived column goes stale: the ORM writes that refresh it, and how bulk work defers that.

    column                         stale after an ORM write of
    Incident.search_document       the incident's public id, title, summary or place; its actor
      (and search_vector)          rows (saved, deleted, or added through `incident.actors`);
                                   the names of one of its actors or of its place
    Incident.independent_sources   its citations (saved or deleted); the key of a cited source
    Source.independence_key        its `republished_from` or `originator`; the deletion of the
                                   source or actor it links to (SET_NULL sends no signal)
    PublicRecord (the read model)  any of the above; any field of the incident; its citations'
                                   quotes, its tags, its relations; what it shows of its
                                   actors, places, sources and tags (SHOWN_FIELDS)

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

from django.db.models import Model, Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from geo.models import Location
from incidents.derived.independent_sources import CHAIN_FIELDS, CITATION_FIELDS, LINK_FIELDS
from incidents.derived.public_records import refresh_public_records
from incidents.derived.refresh import refresh_incidents, refresh_sources
from incidents.derived.search_document import INCIDENT_FIELDS, NAME_FIELDS
from incidents.models import (
    Actor,
    Citation,
    Incident,
    IncidentActor,
    IncidentRelation,
    Source,
    Tag,
)
from incidents.taxonomy import Stance

DOCUMENT = ["search_document"]
COUNT = ["independent_sources"]
# The public records alone (refresh_incidents rewrites them after any columns it is given).
RECORDS: list[str] = []
# What an incident's representation shows of the records it names, besides their ids.
SHOWN_FIELDS = {
    "incidents.actor": ("name", "actor_type"),
    "geo.location": ("name", "country", "latitude", "longitude"),
    "incidents.source": ("title", "publisher", "published_at"),
    "incidents.tag": ("name",),
}
# What a citation shows and what decides whether it counts.
CITATION_SHOWN = (*CITATION_FIELDS, "quote", "locator", "supports")

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

    # The search document (and the public records, after any write of an incident)
    connect(post_save, _incident_saved, Incident, "incident")
    connect(pre_delete, _remember_neighbours, Incident, "incident-neighbours")
    connect(post_delete, _incident_deleted, Incident, "incident-deleted")
    connect(post_save, _actor_row_saved, IncidentActor, "actor-row")
    connect(post_delete, _actor_row_deleted, IncidentActor, "actor-row-deleted")
    connect(m2m_changed, _actors_changed, Incident.actors.through, "incident-actors")
    for model in (Actor, Location):
        label = model._meta.label_lower
        connect(pre_save, _remember_names, model, f"names-before-{label}")
        connect(post_save, _names_saved, model, f"names-{label}")
    # The public records alone
    for shown in (Source, Tag):
        label = shown._meta.label_lower
        connect(pre_save, _remember_shown, shown, f"shown-before-{label}")
        connect(post_save, _shown_saved, shown, f"shown-{label}")
    connect(pre_delete, _remember_tagged, Tag, "tag-deleted-before")
    connect(post_delete, _tag_deleted, Tag, "tag-deleted")
    connect(m2m_changed, _tags_changed, Incident.tags.through, "incident-tags")
    for signal in (post_save, post_delete):
        connect(signal, _relation_written, IncidentRelation, f"relation-{signal is post_save}")
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
    else:
        refresh_incidents([instance.pk], fields=RECORDS)


@_unless_deferred
def _remember_neighbours(sender, instance, **kwargs) -> None:
    links = IncidentRelation.objects.filter(Q(from_incident=instance) | Q(to_incident=instance))
    ends = links.values_list("from_incident_id", "to_incident_id")
    instance._derived_neighbours = {pk for pair in ends for pk in pair} - {instance.pk}


@_unless_deferred
def _incident_deleted(sender, instance, **kwargs) -> None:
    """The records linked to a deleted incident no longer show it (its own record goes with
    it, CASCADE); the counts it was in lose it."""
    neighbours = instance.__dict__.pop("_derived_neighbours", set())
    refresh_public_records({*neighbours, instance.pk})


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


def _names_and_shown(sender) -> tuple[str, ...]:
    label = sender._meta.label_lower
    return tuple(dict.fromkeys((*NAME_FIELDS[label], *SHOWN_FIELDS[label])))


@_unless_deferred
def _remember_names(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    _remember(instance, _names_and_shown(sender), raw, update_fields)


@_unless_deferred
def _names_saved(sender, instance, created=False, **kwargs) -> None:
    """Rewrite the documents that hold an actor's or a place's names, when those changed, and
    the public records that show what changed."""
    fields = _names_and_shown(sender)
    change = _changed(instance, fields)
    if created or change is None:
        return
    before, now = change
    names = NAME_FIELDS[sender._meta.label_lower]
    renamed = before is None or any(
        old != new for field, old, new in zip(fields, before, now, strict=True) if field in names
    )
    affected: QuerySet
    if sender is Actor:
        affected = IncidentActor.objects.filter(actor=instance).values("incident_id")
    else:
        place = Q(location=instance) | Q(origin_location=instance)
        affected = Incident.objects.filter(place).values("pk")
    refresh_incidents(affected, fields=DOCUMENT if renamed else RECORDS)


# -- The independent sources -----------------------------------------------------------------


@_unless_deferred
def _remember_citation(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    _remember(instance, CITATION_SHOWN, raw, update_fields)


@_unless_deferred
def _citation_saved(sender, instance, **kwargs) -> None:
    """Recount the incidents the citation supported before and supports now; rewrite the
    records of those it was and is cited by."""
    change = _changed(instance, CITATION_SHOWN)
    if change is None:
        return
    supported = [state[0] for state in change if state is not None and state[2] == Stance.SUPPORTS]
    refresh_incidents(supported, fields=COUNT)
    unsupported = {state[0] for state in change if state is not None} - set(supported)
    refresh_incidents(unsupported, fields=RECORDS)


@_unless_deferred
def _citation_deleted(sender, instance, origin=None, **kwargs) -> None:
    if not _deletes_the_incident(origin):
        counted = instance.stance == Stance.SUPPORTS
        refresh_incidents([instance.incident_id], fields=COUNT if counted else RECORDS)


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


# -- The public records alone ----------------------------------------------------------------


def _shown_by(instance: Model) -> QuerySet:
    """The incidents whose records show `instance`, a source or a tag (a queryset of ids)."""
    if isinstance(instance, Source):
        return Citation.objects.filter(source=instance).values("incident_id")
    return Incident.tags.through.objects.filter(tag_id=instance.pk).values("incident_id")


@_unless_deferred
def _remember_shown(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    _remember(instance, SHOWN_FIELDS[sender._meta.label_lower], raw, update_fields)


@_unless_deferred
def _shown_saved(sender, instance, created=False, **kwargs) -> None:
    change = _changed(instance, SHOWN_FIELDS[sender._meta.label_lower])
    if not created and change is not None:
        refresh_incidents(_shown_by(instance), fields=RECORDS)


@_unless_deferred
def _remember_tagged(sender, instance, **kwargs) -> None:
    # Deleting a tag deletes its rows in the through table without signals.
    instance._derived_tagged = list(_shown_by(instance).values_list("incident_id", flat=True))


@_unless_deferred
def _tag_deleted(sender, instance, **kwargs) -> None:
    refresh_incidents(instance.__dict__.pop("_derived_tagged", []), fields=RECORDS)


@_unless_deferred
def _tags_changed(sender, instance, action, reverse, pk_set=None, **kwargs) -> None:
    """`incident.tags.add(...)`, `.set(...)`, `tag.incidents.clear()` and friends."""
    if action == "pre_clear" and reverse:  # the ids are gone after the clear
        _remember_tagged(sender, instance)
    elif action == "post_clear" and reverse:
        _tag_deleted(sender, instance)
    elif action in ("post_add", "post_remove", "post_clear"):
        refresh_incidents((pk_set or []) if reverse else [instance.pk], fields=RECORDS)


@_unless_deferred
def _relation_written(sender, instance, origin=None, **kwargs) -> None:
    """A link shows on the records at both its ends (an incident being deleted refreshes the
    other ends itself, once it is gone)."""
    if not _deletes_the_incident(origin):
        refresh_incidents([instance.from_incident_id, instance.to_incident_id], fields=RECORDS)
