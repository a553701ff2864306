"""Writing planned incidents in bulk, one transaction per batch."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

from bench.generator.planned import Planned
from geo.models import Location
from incidents import derived
from incidents.models import Actor, Citation, Incident, IncidentActor, Source


@dataclass
class Report:
    incidents: int = 0
    participants: int = 0
    citations: int = 0
    seconds: float = 0.0


def insert(planned: list[Planned], report: Report) -> None:
    with transaction.atomic():
        Incident.objects.bulk_create([item.incident for item in planned])
        TagLink = Incident.tags.through
        participants: list[IncidentActor] = []
        citations: list[Citation] = []
        tags: list[Any] = []  # rows of the through table
        for item in planned:
            incident_id = item.incident.pk
            participants.extend(
                IncidentActor(
                    incident_id=incident_id,
                    actor_id=party.actor.id,
                    role=party.role,
                    attribution=party.attribution,
                )
                for party in item.participants
            )
            for citation in item.citations:
                citation.incident_id = incident_id
                citations.append(citation)
            tags.extend(TagLink(incident_id=incident_id, tag_id=tag) for tag in item.tag_ids)
        IncidentActor.objects.bulk_create(participants)
        Citation.objects.bulk_create(citations)
        TagLink.objects.bulk_create(tags)
        # Bulk inserts send no signals: the text-search documents and the counts of independent
        # sources are written here, per batch, so that memory stays flat and each committed
        # batch is complete.
        incident_ids = [item.incident.pk for item in planned]
        derived.refresh_incidents(incident_ids)
    report.incidents += len(planned)
    report.participants += len(participants)
    report.citations += len(citations)


@contextmanager
def keeping_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk inserts keep the entry and edit times drawn for each row.

    `auto_now` would stamp every row with the moment of generation, and `updated_since`
    (the sync filter) would then have nothing realistic to select. The flags are switched
    off for the whole process, which is why only the generator, running alone, does this.
    """
    fields: list[models.DateTimeField] = [
        model._meta.get_field(name)  # type: ignore[misc]  # the models' timestamp fields
        for model in model_classes
        for name in ("created_at", "updated_at")
    ]
    saved = [(stamp, stamp.auto_now, stamp.auto_now_add) for stamp in fields]
    for stamp in fields:
        stamp.auto_now = stamp.auto_now_add = False
    try:
        yield
    finally:
        for stamp, auto_now, auto_now_add in saved:
            stamp.auto_now, stamp.auto_now_add = auto_now, auto_now_add


def analyze() -> None:
    """Bring PostgreSQL's statistics and visibility map up to date after the bulk load.

    Benchmarks then see the plans and index-only scans of a settled database instead of
    waiting for autovacuum. VACUUM cannot run inside a transaction (e.g. in a test); ANALYZE
    alone still gives the planner its statistics.
    """
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    loaded = (Incident, IncidentActor, Citation, Incident.tags.through, Location, Actor, Source)
    with connection.cursor() as cursor:
        for model in loaded:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
