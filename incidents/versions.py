"""An incident as it was at one of its versions, so that every version can be read and cited.

Versions are numbered by the record's `version`, which every save raises: the number in the
API's ETag, in the history and in citations. Version n is the record's history entry with
that number (django-simple-history), with the rows the record had then: its actors, its
citations and its relations, each read from their own history.

Which rows belong to which version: a change through the admin or the API writes the
record's entry first, then its rows'; an import or a merge dates all its entries alike
(core.history_writes.BulkHistory, incidents.merging). Either way the rows of version n are
those that stood before the record's next change, its first later entry with a later date.

The records those rows name (actors, sources, places, other incidents) are shown as they are
now: each is a record of its own, with its own history. So are the record's tags, whose
changes the history does not keep. The count of independent sources is derived again from
the version's citations, as incidents.derived derives it for the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from incidents.derived import independent_sources_of
from incidents.models import Citation, Incident, IncidentActor, IncidentRelation
from incidents.taxonomy import PUBLIC_STATUSES, Stance

DELETED = "-"
# A citation's source and the sources behind it, as far as the public page follows them
# (incidents.views.cited_source).
CITED_SOURCES = (
    "source__originator",
    "source__republished_from__originator",
    "source__republished_from__republished_from__originator",
)


@dataclass(frozen=True)
class IncidentVersion:
    """Version `record.version` of the incident `current`.

    `record` holds the version's fields; once with_rows() has run, `record.participants`,
    `.citations`, `.relations_from`, `.relations_to` and `.tags` answer with its rows then.
    `entry` is its history entry, None for the current version (the record itself).
    """

    record: Incident
    current: Incident
    entry: Any = None

    @property
    def number(self) -> int:
        return self.record.version

    @property
    def is_current(self) -> bool:
        return self.entry is None

    @property
    def saved_at(self) -> dt.datetime:
        """When the version was saved, as the record says (its `updated_at` then)."""
        return self.record.updated_at


def find_version(current: Incident, number: int, *, public_only: bool) -> IncidentVersion | None:
    """Version `number` of `current`, its fields only; None when there is none, or when
    `public_only` and it was not public (a draft, or in review), even if the record is now.
    The current version is `current` itself, with whatever rows it was loaded with."""
    if number == current.version:
        if public_only and current.status not in PUBLIC_STATUSES:
            return None
        return IncidentVersion(current, current)
    entry = (
        Incident.history.filter(id=current.pk, version=number)
        .exclude(history_type=DELETED)
        .select_related("location", "origin_location", "duplicate_of")
        .order_by("-history_id")
        .first()
    )
    if entry is None or (public_only and entry.status not in PUBLIC_STATUSES):
        return None
    record = _copy(Incident, entry)
    record.location = entry.location
    record.origin_location = entry.origin_location
    record.duplicate_of = entry.duplicate_of
    return IncidentVersion(record, current, entry)


def with_rows(version: IncidentVersion, *, linkable: QuerySet[Incident]) -> IncidentVersion:
    """The version with its rows as they were; relations only to the incidents in `linkable`
    (those the reader may see). The current version keeps the rows it was loaded with."""
    if version.entry is None:
        return version
    record, until = version.record, _next_change(version.entry)
    participants = [
        _copy(IncidentActor, entry, actor=entry.actor)
        for entry in _rows_then(IncidentActor, until, ["actor"], incident_id=record.pk)
    ]
    participants.sort(key=lambda row: (row.role, row.actor.name))
    citations = [
        _copy(Citation, entry, source=entry.source)
        for entry in _rows_then(Citation, until, CITED_SOURCES, incident_id=record.pk)
    ]
    outgoing = [
        _copy(IncidentRelation, entry, to_incident=entry.to_incident)
        for entry in _rows_then(
            IncidentRelation,
            until,
            ["to_incident"],
            from_incident_id=record.pk,
            to_incident__in=linkable,
        )
    ]
    incoming = [
        _copy(IncidentRelation, entry, from_incident=entry.from_incident)
        for entry in _rows_then(
            IncidentRelation,
            until,
            ["from_incident"],
            to_incident_id=record.pk,
            from_incident__in=linkable,
        )
    ]
    record.independent_sources = independent_sources_of(
        citation.source for citation in citations if citation.stance == Stance.SUPPORTS
    )
    _answering(
        record,
        participants=participants,
        citations=citations,
        relations_from=outgoing,
        relations_to=incoming,
        tags=list(version.current.tags.all()),
    )
    return version


def _next_change(entry: Any) -> dt.datetime | None:
    """When the record changed after `entry` (None: it has not)."""
    later = Incident.history.filter(id=entry.id, history_date__gt=entry.history_date)
    return later.order_by("history_date").values_list("history_date", flat=True).first()


def _rows_then(
    model: type[Model], until: dt.datetime | None, related: Any, **where: Any
) -> list[Any]:
    """The history entries of `model`'s rows matching `where` as the rows stood before
    `until` (each row's latest entry, rows deleted by then left out), in the rows' order of
    creation, with the `related` records each names."""
    entries = model.history.filter(**where)  # type: ignore[attr-defined]
    if until is not None:
        entries = entries.filter(history_date__lt=until)
    latest: dict[int, Any] = {}
    # latest_of_each() keeps every entry of a row dated alike; the last one written counts.
    for entry in entries.latest_of_each().select_related(*related).order_by("history_id"):
        latest[entry.id] = entry
    return [latest[pk] for pk in sorted(latest) if latest[pk].history_type != DELETED]


def _copy(model: type[Model], entry: Any, **related: Any) -> Any:
    """The row `entry` kept, as an instance of `model`, with the `related` records it names."""
    row = model(**{field.attname: getattr(entry, field.attname) for field in entry.tracked_fields})
    for name, value in related.items():
        setattr(row, name, value)
    return row


def _answering(record: Incident, **rows: list[Any]) -> None:
    """Have `record.<name>.all()` answer with `rows[name]`, as prefetch_related would have
    loaded them, so that the API's serializer and the page read a version as a record."""
    cache = record.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objects in rows.items():
        # What django.db.models.query.prefetch_one_level stores for a prefetched relation.
        queryset = getattr(record, name).get_queryset()
        queryset._result_cache = objects
        queryset._prefetch_done = True
        cache[name] = queryset
