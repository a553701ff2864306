"""Writing the derived columns: each one's SQL and in-memory form, and the set-based refreshes.

`refresh_incidents()` rewrites incidents' columns in SQL, one UPDATE per batch of ids however
many incidents; `refresh_sources()` rewrites sources' independence keys, then recounts the
incidents that cite a source whose key changed. Bulk writes that send no signals
(bulk_create, QuerySet.update, raw SQL) call them afterwards, or write the in-memory values
(`incident_values()`) with the rows. `apps` lets a data migration pass its historical models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.db import connections
from django.db.models import Expression, QuerySet

from incidents.derived.batching import batches
from incidents.derived.independent_sources import (
    CHAIN_FIELDS,
    independence_key,
    independent_sources_of,
    independent_sources_sql,
)
from incidents.derived.public_records import refresh_public_records
from incidents.derived.search_document import (
    DocumentVector,
    search_document_of,
    search_document_sql,
)
from incidents.models import DERIVED_FIELDS


@dataclass(frozen=True)
class IncidentRecords:
    """What an incident's derived columns are derived from, as records in memory."""

    incident: Any
    place: Any | None
    # In the order of the incident's actor rows.
    actors: Sequence[Any] = ()
    # The sources of its supporting citations (with their independence keys).
    supporting_sources: Sequence[Any] = ()


@dataclass(frozen=True)
class Column:
    """A derived column of Incident: the SQL that computes it over an Incident row, and the
    same value computed in memory."""

    sql: Callable[..., Expression]
    in_memory: Callable[[IncidentRecords], Any]


COLUMNS: dict[str, Column] = {
    "search_document": Column(
        sql=search_document_sql,
        in_memory=lambda records: search_document_of(
            records.incident, records.place, records.actors
        ),
    ),
    "independent_sources": Column(
        sql=independent_sources_sql,
        in_memory=lambda records: independent_sources_of(records.supporting_sources),
    ),
}
# Written with the document, from the same SQL, where the database has a text search type.
VECTOR_FIELD = "search_vector"
# The columns that `incident_values()` computes in memory: every one but the stored vector.
IN_MEMORY_FIELDS = tuple(name for name in DERIVED_FIELDS if name != VECTOR_FIELD)


def incident_values(records: IncidentRecords) -> dict[str, Any]:
    """Every derived column of `records.incident` but the vector, computed in memory: what
    refresh_incidents() would write, for bulk writes that write them with the row."""
    return {name: COLUMNS[name].in_memory(records) for name in IN_MEMORY_FIELDS}


def refresh_incidents(
    incident_ids: Iterable[int] | QuerySet | None = None,
    *,
    fields: Iterable[str] = IN_MEMORY_FIELDS,
    apps=global_apps,
) -> int:
    """Rewrite the derived `fields` of the given incidents (all when None) in SQL, then
    their public records (incidents.derived.public_records); `fields=()` rewrites the records
    alone, after a change that only they show.

    `incident_ids` may be ids or a queryset of ids (e.g. `.values("pk")`). The stored vector
    is written with the document. Returns how many incidents' columns were rewritten.
    """
    Incident = apps.get_model("incidents", "Incident")
    incidents = Incident._default_manager.all()
    values = _column_sql(incidents, set(fields), apps)
    if not isinstance(incident_ids, QuerySet | None):
        incident_ids = list(incident_ids)
    rewritten = _rewrite(incidents, incident_ids, values) if values else 0
    # A data migration's models are not the API's: its records wait for post_migrate.
    if apps is global_apps:
        refresh_public_records(incident_ids)
    return rewritten


def _rewrite(incidents: QuerySet, incident_ids, values: dict[str, Expression]) -> int:
    if incident_ids is None:
        return incidents.update(**values)
    if isinstance(incident_ids, QuerySet):
        return incidents.filter(pk__in=incident_ids).update(**values)
    return sum(incidents.filter(pk__in=batch).update(**values) for batch in batches(incident_ids))


def _column_sql(incidents: QuerySet, fields: set[str], apps) -> dict[str, Expression]:
    values = {name: COLUMNS[name].sql(apps) for name in IN_MEMORY_FIELDS if name in fields}
    # The document's vector goes in the same UPDATE: a second would write every row (and its
    # index entries) again. A data migration's models may not have the field yet.
    has_vector = any(f.name == VECTOR_FIELD for f in incidents.model._meta.fields)
    postgresql = connections[incidents.db].vendor == "postgresql"
    if "search_document" in values and has_vector and postgresql:
        values[VECTOR_FIELD] = DocumentVector(values["search_document"])
    return values


def refresh_sources(source_ids: Iterable[int] | None = None, *, apps=global_apps) -> list[int]:
    """Rewrite the independence keys of the given sources (all when None) and of all their
    republications.

    Then recount the incidents that cite a source whose key changed (every incident when
    `source_ids` is None). Returns the ids of the sources whose key changed.
    """
    Source = apps.get_model("incidents", "Source")
    Citation = apps.get_model("incidents", "Citation")
    sources = Source._default_manager
    if source_ids is None:
        rows = _rows(sources.all())
        targets: Iterable[int] = rows
    else:
        republished = _with_republications(sources, source_ids)
        rows = _chains(sources, republished)
        # A source deleted meanwhile (with the one it republished, say) has no row.
        targets = [pk for pk in republished if pk in rows]
    changed = _changed_keys(targets, rows)
    sources.bulk_update(
        [Source(pk=pk, independence_key=key) for pk, key in changed.items()],
        ["independence_key"],
        batch_size=1000,
    )
    recounted = ["independent_sources"]
    if source_ids is None:
        refresh_incidents(fields=recounted, apps=apps)
    else:
        for batch in batches(changed):
            citing = Citation._default_manager.filter(source_id__in=batch)
            refresh_incidents(citing.values("incident_id"), fields=recounted, apps=apps)
    return sorted(changed)


# A source's link and its stored key: (republished_from id, originator id, key).
_Row = tuple[int | None, int | None, str]


def _changed_keys(source_ids: Iterable[int], rows: Mapping[int, _Row]) -> dict[int, str]:
    """The sources whose key is not the one stored, with their new keys."""
    links = {
        pk: (republished_from, originator) for pk, (republished_from, originator, _) in rows.items()
    }
    keys = {pk: independence_key(pk, links) for pk in source_ids}
    return {pk: key for pk, key in keys.items() if key != rows[pk][2]}


def _rows(sources: QuerySet) -> dict[int, _Row]:
    return {
        pk: (republished_from, originator, key)
        for pk, republished_from, originator, key in sources.values_list(
            "pk", *CHAIN_FIELDS, "independence_key"
        )
    }


def _with_republications(sources, source_ids: Iterable[int]) -> set[int]:
    """The sources and every source that republishes them, directly or through others."""
    found = set(source_ids)
    frontier = set(found)
    while frontier:
        republications = set()
        for batch in batches(frontier):
            republications.update(
                sources.filter(republished_from_id__in=batch).values_list("pk", flat=True)
            )
        frontier = republications - found
        found |= frontier
    return found


def _chains(sources, source_ids: Iterable[int]) -> dict[int, _Row]:
    """The rows of the sources and of every source up their chains."""
    rows: dict[int, _Row] = {}
    asked: set[int] = set()
    wanted = set(source_ids)
    while wanted:
        asked |= wanted
        for batch in batches(wanted):
            rows.update(_rows(sources.filter(pk__in=batch)))
        wanted = {row[0] for row in rows.values() if row[0] is not None} - asked
    return rows
