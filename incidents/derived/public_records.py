"""The public read model (incidents.PublicRecord): each public incident's API representation,
stored as text, kept by the same protocol as the derived columns.

    a record is stale after a write of              refreshed by
    the incident (any field: an edit, a status      signals → refresh_incidents()
      move, a merge)
    its actor rows, citations, tags, relations      signals → refresh_incidents()
    its actors' names or kind, its places' names,   signals → refresh_incidents()
      country or point, its sources' titles,
      publishers or dates, its tags' names
    an incident it shows in brief (a relation's     refresh_public_records(), which adds
      other end, the record it was merged into)     the neighbours of what it is given
    rows written in bulk (imports, the generator)   refresh_stale_public_records()
    the stored counts of public incidents           both, first of all (derived.public_counts)

`refresh_incidents()` ends with `refresh_public_records()` of the same incidents, so every
refresh of the derived columns refreshes their records too. Only `Incident.objects.public()`
ever enters: a refresh writes the public incidents among those it is given and deletes the
rows of the others, so a record taken back to draft leaves the table in the same transaction.

The text is written by the renderer the API registers (`render_with`, from the incidents
app's `ready()`): the representation has one definition, the API's serializer, and the
domain stays below the API. Until one is registered nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Exists, OuterRef, QuerySet

from core import bulk_writes
from incidents.derived.batching import batches
from incidents.derived.public_counts import refresh_public_counts, refresh_stale_public_counts
from incidents.models import Incident, IncidentRelation, PublicRecord

# (incident id, its version, the text) for each incident of a queryset of public incidents.
Renderer = Callable[[QuerySet[Incident]], Iterable[tuple[int, int, str]]]

_renderers: list[Renderer] = []
RECORD_FIELDS = ("incident_id", "version", "text")
# Incidents per rendering: their related rows are held in memory together.
RENDER_BATCH = 1000


def render_with(renderer: Renderer) -> None:
    """Write the texts with `renderer` from now on."""
    _renderers[:] = [renderer]


def refresh_public_records(incident_ids: Iterable[int] | QuerySet | None = None) -> int:
    """Write afresh the public records of the given incidents (every public incident when None)
    and of the public incidents that show one of them in brief; delete the records of those no
    longer public; recount the public incidents' groups they are counted in. `incident_ids`
    may be ids or a queryset of one column of ids. Returns how many records were written."""
    if isinstance(incident_ids, QuerySet):
        incident_ids = Incident.objects.filter(pk__in=incident_ids).values_list("pk", flat=True)
    if incident_ids is not None:
        incident_ids = set(incident_ids)
    refresh_public_counts(incident_ids)
    if not _renderers:
        return 0
    if incident_ids is None:
        PublicRecord.objects.exclude(incident__in=Incident.objects.public()).delete()
        return _write(Incident.objects.public().values_list("pk", flat=True))
    return _write(_with_neighbours(incident_ids))


def refresh_stale_public_records() -> int:
    """Write the public records that are missing or older than their incident's version, and
    delete those of incidents no longer public: after writes that send no signals (imports,
    COPY), and after `migrate`, which fills the table of an existing database. The stored
    counts catch up first."""
    refresh_stale_public_counts()
    if not _renderers:
        return 0
    public = Incident.objects.public()
    PublicRecord.objects.exclude(incident__in=public).delete()
    current = PublicRecord.objects.filter(incident=OuterRef("pk"), version=OuterRef("version"))
    stale = public.exclude(Exists(current)).values_list("pk", flat=True)
    return _write(_with_neighbours(set(stale)))


def _with_neighbours(incident_ids: set[int]) -> set[int]:
    """The incidents and those that show one of them in brief: the other ends of their
    relations, and the duplicates merged into them."""
    found = set(incident_ids)
    relations = IncidentRelation.objects
    for batch in batches(incident_ids):
        found.update(
            relations.filter(to_incident_id__in=batch).values_list("from_incident_id", flat=True)
        )
        found.update(
            relations.filter(from_incident_id__in=batch).values_list("to_incident_id", flat=True)
        )
        found.update(
            Incident.objects.filter(duplicate_of_id__in=batch).values_list("pk", flat=True)
        )
    return found


def _write(incident_ids: Iterable[int]) -> int:
    render = _renderers[0]
    public = Incident.objects.public()
    written = 0
    for batch in batches(incident_ids, RENDER_BATCH):
        PublicRecord.objects.filter(incident_id__in=batch).exclude(
            incident__in=public.filter(pk__in=batch)
        ).delete()
        # Through COPY: bulk_create would quote and escape every text in Python.
        records = list(render(public.filter(pk__in=batch)))
        bulk_writes.upsert_values(PublicRecord, RECORD_FIELDS, records, unique="incident_id")
        written += len(records)
    return written
