"""Text search over incidents (`?q=`) through a denormalised search document.

An incident is found by its public id, title and summary, by its place's name and alternate
names and by its actors' names and aliases. Those live in four tables, so each incident keeps
them together in `Incident.search_document`, which this module writes:

- after an incident, one of its actor rows, or an actor's or a place's names are saved
  through the ORM (signals, connected by the app config);
- on request, with `refresh_search_documents()`, after writes that send no signals
  (bulk_create, QuerySet.update, raw SQL).

PostgreSQL matches with full-text search on `Incident.search_vector`, the document's stored
`to_tsvector(SEARCH_CONFIG, …)` with a GIN index (migration 0005); other databases (SQLite,
for local runs) match every word as a case-insensitive substring.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.apps import apps as global_apps
from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connections
from django.db.models import (
    Aggregate,
    Func,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Concat
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

# The text search configuration of the stored vectors (migrations 0002 and 0005); a query must
# use the same one, and changing it takes a migration that rebuilds the vectors.
# English stems words ("rockets" finds "rocket"); names, mostly transliterations, pass through
# the stemmer unchanged or stem the same way in the document and in the query.
SEARCH_CONFIG = "english"
# Incidents per UPDATE when ids are given: short statements, within SQLite's parameter limit.
BATCH_SIZE = 5000
# The fields of Incident itself that the document holds.
DOCUMENT_FIELDS = {"public_id", "title", "summary", "location", "location_id"}
# The fields of related records that the document holds.
NAME_FIELDS = {"incidents.actor": ("name", "aliases"), "geo.location": ("name", "alternate_names")}


def vector_sql(document: str) -> str:
    """The SQL of the stored vector of `document` (SQL of a text), as queries read it."""
    return f"to_tsvector('{SEARCH_CONFIG}'::regconfig, {document})"


class DocumentVector(Func):
    """to_tsvector over the search document, in the configuration queries use."""

    template = vector_sql("%(expressions)s")
    output_field = SearchVectorField()


class JoinedText(OrderableAggMixin, Aggregate):
    """The group's texts joined by spaces, in the order of `order_by`: STRING_AGG … ORDER BY on
    PostgreSQL; GROUP_CONCAT on SQLite, in the order it reads them (its aggregates take no
    ORDER BY before 3.44)."""

    function = "STRING_AGG"
    template = "%(function)s(%(distinct)s%(expressions)s %(order_by)s)"
    output_field = TextField()

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(expression, Value(" "), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        text, params = compiler.compile(self.get_source_expressions()[0])
        return f"GROUP_CONCAT({text}, ' ')", params


def matching(incidents: QuerySet, text: str) -> QuerySet:
    """The incidents whose search document matches `text`.

    PostgreSQL reads `text` as a web search (words all required, "quoted phrases", -excluded,
    or); elsewhere every whitespace-separated word must occur, in any case.
    """
    if connections[incidents.db].vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        return incidents.filter(search_vector=query)
    for word in text.split():
        incidents = incidents.filter(search_document__icontains=word)
    return incidents


def refresh_search_documents(
    incident_ids: Iterable[int] | QuerySet | None = None,
    *,
    apps=global_apps,
    also: Mapping[str, Any] | None = None,
) -> int:
    """Rewrite the search document of the given incidents (all when None) in SQL.

    `incident_ids` may be ids or a queryset of ids (e.g. `.values("pk")`); the work is one
    set-based UPDATE per batch of ids, whatever the number of incidents. `also` maps other
    fields to SQL expressions written by the same UPDATE (an import's recount of independent
    sources), so that each row is rewritten once. Returns how many were rewritten. `apps`
    lets a data migration pass its historical models.
    """
    Incident = apps.get_model("incidents", "Incident")
    incidents = Incident._default_manager.all()
    also = also or {}
    if incident_ids is None:
        return _rewrite(incidents, apps, also)
    if isinstance(incident_ids, QuerySet):
        return _rewrite(incidents.filter(pk__in=incident_ids), apps, also)
    ids = sorted(set(incident_ids))
    return sum(
        _rewrite(incidents.filter(pk__in=ids[start : start + BATCH_SIZE]), apps, also)
        for start in range(0, len(ids), BATCH_SIZE)
    )


def _rewrite(incidents: QuerySet, apps, also: Mapping[str, Any]) -> int:
    document = search_document(apps)
    # On PostgreSQL the document's tsvector is stored too, so that matching a row is cheap
    # even when the planner walks another index (the date order of a list page). Both are
    # written by one UPDATE: a second would write every row (and its index entries) again.
    fields = {"search_document": document, **also}
    has_vector = any(field.name == "search_vector" for field in incidents.model._meta.fields)
    if has_vector and connections[incidents.db].vendor == "postgresql":
        fields["search_vector"] = DocumentVector(document)
    return incidents.update(**fields)


def search_document(apps=global_apps) -> Concat:
    """The SQL expression of an incident's search document."""
    Location = apps.get_model("geo", "Location")
    IncidentActor = apps.get_model("incidents", "IncidentActor")
    place = (
        Location._default_manager.filter(pk=OuterRef("location_id"))
        .order_by()
        .values(text=_spaced("name", "alternate_names"))
    )
    actors = (
        IncidentActor._default_manager.filter(incident_id=OuterRef("pk"))
        .order_by()
        .values("incident_id")
        # In the order the actors were entered, which bulk writes can follow.
        .annotate(text=JoinedText(_spaced("actor__name", "actor__aliases"), order_by="pk"))
        .values("text")
    )
    return _spaced("public_id", "title", "summary", Subquery(place), Subquery(actors))


def document_of(incident, place, actors: Iterable) -> str:
    """What search_document() writes for `incident`, from records in memory: for bulk writes
    that write the document with the row (`actors` in the order of their actor rows)."""
    place_text = f"{place.name} {place.alternate_names}" if place else ""
    actor_text = " ".join(f"{actor.name} {actor.aliases}" for actor in actors)
    return " ".join((incident.public_id, incident.title, incident.summary, place_text, actor_text))


def _spaced(*parts: Any) -> Concat:
    """The parts joined by spaces; a missing part (NULL) counts as empty."""
    joined: list[Any] = []
    for part in parts:
        joined += [Value(" "), part] if joined else [part]
    return Concat(*joined, output_field=TextField())


# -- Keeping documents up to date on ORM writes ----------------------------------------------


_deferral = threading.local()


@contextmanager
def refreshes_deferred() -> Iterator[None]:
    """Skip the per-row refreshes of the signals (search documents here, independent-source
    counts in incidents.provenance); the caller refreshes in bulk afterwards (bulk imports,
    which would otherwise rebuild a document for every actor row they touch)."""
    _deferral.active = True
    try:
        yield
    finally:
        _deferral.active = False


def refreshes_are_deferred() -> bool:
    return getattr(_deferral, "active", False)


def connect_signals() -> None:
    from geo.models import Location
    from incidents.models import Actor, Incident, IncidentActor

    post_save.connect(_incident_saved, sender=Incident, dispatch_uid="search-incident")
    post_save.connect(_participant_saved, sender=IncidentActor, dispatch_uid="search-participant")
    post_delete.connect(
        _participant_deleted, sender=IncidentActor, dispatch_uid="search-participant-deleted"
    )
    m2m_changed.connect(_actors_changed, sender=Incident.actors.through, dispatch_uid="search-m2m")
    for model in (Actor, Location):
        label = model._meta.label_lower
        pre_save.connect(_remember_names, sender=model, dispatch_uid=f"search-names-{label}")
        post_save.connect(_names_saved, sender=model, dispatch_uid=f"search-names-saved-{label}")


def _incident_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if refreshes_are_deferred():
        return
    if update_fields is None or DOCUMENT_FIELDS & set(update_fields):
        refresh_search_documents([instance.pk])


def _participant_saved(sender, instance, **kwargs) -> None:
    if refreshes_are_deferred():
        return
    refresh_search_documents([instance.incident_id])


def _participant_deleted(sender, instance, origin=None, **kwargs) -> None:
    if refreshes_are_deferred():
        return
    from incidents.models import Incident

    # Deleting the incident itself deletes its actor rows: nothing is left to refresh.
    if isinstance(origin, Incident) or getattr(origin, "model", None) is Incident:
        return
    refresh_search_documents([instance.incident_id])


def _actors_changed(sender, instance, action, reverse, pk_set=None, **kwargs) -> None:
    """`incident.actors.add(...)` and friends write IncidentActor rows without post_save."""
    from incidents.models import IncidentActor

    if action == "pre_clear" and reverse:  # the ids are gone after the clear
        instance._search_incident_ids = list(
            IncidentActor.objects.filter(actor=instance).values_list("incident_id", flat=True)
        )
    elif action == "post_clear" and reverse:
        refresh_search_documents(instance.__dict__.pop("_search_incident_ids", []))
    elif action in ("post_add", "post_remove", "post_clear"):
        refresh_search_documents((pk_set or []) if reverse else [instance.pk])


def _current_names(instance) -> tuple[Any, ...]:
    return tuple(getattr(instance, field) for field in NAME_FIELDS[instance._meta.label_lower])


def _remember_names(sender, instance, raw=False, **kwargs) -> None:
    if instance.pk is None or raw:
        instance._search_names = None
        return
    fields = NAME_FIELDS[sender._meta.label_lower]
    instance._search_names = (
        sender._default_manager.filter(pk=instance.pk).values_list(*fields).first()
    )


def _names_saved(sender, instance, created=False, **kwargs) -> None:
    """Rewrite the documents that hold an actor's or a place's names, when those changed."""
    from incidents.models import Incident, IncidentActor

    before = instance.__dict__.pop("_search_names", None)
    if created or before is None or before == _current_names(instance):
        return
    if sender._meta.label_lower == "incidents.actor":
        affected = IncidentActor.objects.filter(actor=instance).values("incident_id")
    else:
        affected = Incident.objects.filter(location=instance).values("pk")
    refresh_search_documents(affected)
