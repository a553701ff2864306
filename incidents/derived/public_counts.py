"""Stored counts of public incidents (incidents.PublicCount), kept by the read model's protocol.

    the counts are stale after                      recomputed by
    any refresh of an incident's public record      refresh_public_records(), which starts
      (an edit of its dates, type, place or           with refresh_public_counts() of the
      status; a publication, retraction, merge:       same incidents
      signals)
    the deletion of an incident                     signals → refresh_public_records()
    rows written in bulk (imports, the generator)   refresh_stale_public_records(), which
                                                      starts with refresh_stale_public_counts()

Counts are never incremented: the groups of every day an incident is counted under, before and
after the change, are deleted and computed again from `Incident.objects.public()` in SQL (one
INSERT … SELECT … GROUP BY per batch of days), so they cannot drift from the incidents. The day
an incident was counted under is kept in CountedIncident, since after an edit (or a deletion)
the incident row no longer says it. A place's country, area or coordinates are read through the
place when counting, so editing a place leaves the counts right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connections, transaction
from django.db.models import Count, Exists, Min, OuterRef, QuerySet

from incidents.derived.batching import batches
from incidents.models import CountedIncident, Incident, PublicCount

# The columns a group shares (PublicCount's grain), then what is computed per group.
GROUP = ("date_start", "date_end", "status", "location", "event_type", "sub_event_type")
PER_GROUP = {
    "count": Count("pk"),
    "first_public_id": Min("public_id"),
    "first_title": Min("title"),
}
# Days recounted per statement.
DAY_BATCH = 500
# The first key of the advisory locks held on days being recounted (PostgreSQL).
LOCK_SPACE = 0x7E55
# Past this many stale incidents, recomputing every group is cheaper than day by day.
REBUILD_AT = 20_000


def refresh_public_counts(incident_ids: Iterable[int] | None = None) -> None:
    """Recompute the groups of every day the given incidents are counted under, before and
    after their change (every group when None). In a transaction, so that the locks on the
    days last until the groups are written (no savepoint: it would cost two statements a
    write)."""
    with transaction.atomic(savepoint=False):
        if incident_ids is None:
            _rebuild()
        else:
            _recount(_days_of(incident_ids))


def _days_of(incident_ids: Iterable[int]) -> list[dt.date]:
    """The days the stale ones among the incidents were and are counted under; their
    CountedIncident rows set to what they are now. An incident counted at its current version
    is left alone: what a group holds is the incident's own columns, and any change of them
    is a new version (a citation, a tag or a place edited leaves the counts right)."""
    days: set[dt.date] = set()
    counted = CountedIncident.objects
    for ids in batches(incident_ids):
        batch = _stale(ids)
        if not batch:
            continue
        before = counted.filter(incident_id__in=batch)
        days.update(before.values_list("date_start", flat=True))
        before.delete()
        now = Incident.objects.public().filter(pk__in=batch).values_list(*_COUNTED)
        rows = [CountedIncident(*row) for row in now]
        counted.bulk_create(rows)
        days.update(row.date_start for row in rows)
    return sorted(days)


def _recount(ordered: list[dt.date]) -> None:
    _lock(ordered)
    for start in range(0, len(ordered), DAY_BATCH):
        day_batch = ordered[start : start + DAY_BATCH]
        PublicCount.objects.filter(date_start__in=day_batch).delete()
        _insert_groups(Incident.objects.public().filter(date_start__in=day_batch))


def refresh_stale_public_counts() -> None:
    """Recount the incidents written since they were counted (a version or first day other
    than the one counted, public but not counted, counted but no longer public): after writes
    that send no signals, and after `migrate`."""
    stale = _stale()
    refresh_public_counts(None if len(stale) > REBUILD_AT else stale)


def _stale(incident_ids: list[int] | None = None) -> set[int]:
    """The incidents (among `incident_ids`, or all) whose count is behind: counted at another
    version or first day or no longer public, or public and not counted at their version."""
    public = Incident.objects.public()
    current = public.filter(
        pk=OuterRef("incident_id"), version=OuterRef("version"), date_start=OuterRef("date_start")
    )
    counted = CountedIncident.objects.filter(
        incident_id=OuterRef("pk"), version=OuterRef("version")
    )
    gone = CountedIncident.objects.exclude(Exists(current))
    new = public.exclude(Exists(counted))
    if incident_ids is not None:
        gone, new = gone.filter(incident_id__in=incident_ids), new.filter(pk__in=incident_ids)
    return {*gone.values_list("incident_id", flat=True), *new.values_list("pk", flat=True)}


# CountedIncident's fields, in order, from an incident.
_COUNTED = ("pk", "version", "date_start")


def _rebuild() -> None:
    public = Incident.objects.public()
    CountedIncident.objects.all().delete()
    _insert(CountedIncident, ("incident_id", "version", "date_start"), public.values(*_COUNTED))
    PublicCount.objects.all().delete()
    _insert_groups(public)


def _lock(days: list[dt.date]) -> None:
    """Hold each day until the transaction ends, in order (no deadlock between two recounts):
    two transactions recounting one day at once would each delete the groups they see, then
    both insert theirs. SQLite writes one transaction at a time."""
    connection = connections[PublicCount.objects.db]
    if connection.vendor != "postgresql" or not days:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, day) FROM unnest(%s::integer[]) AS day",
            [LOCK_SPACE, [day.toordinal() for day in days]],
        )


def _insert_groups(incidents: QuerySet) -> None:
    groups = incidents.order_by().values(*GROUP).annotate(**PER_GROUP)
    _insert(PublicCount, (*GROUP, *PER_GROUP), groups)


def _insert(model, fields: Iterable[str], rows: QuerySet) -> None:
    """INSERT INTO the model's table the SELECT of `rows` (a values() queryset whose columns
    are `fields`, in that order)."""
    columns = ", ".join(model._meta.get_field(name).column for name in fields)
    select, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({columns}) {select}", params)
