"""The columns an import derives for every incident it writes: its search document and
vector, and its count of independent sources; and its public record (the read model).

Bulk writes send no signals, so an import writes what incidents.derived computes in memory
with each row, and has the derived columns' own refreshes deferred meanwhile. Every use of
incidents.derived by the import is here.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

from incidents.derived import (
    IN_MEMORY_FIELDS,
    IncidentRecords,
    deferred,
    incident_values,
    refresh_stale_public_records,
    search_vector_sql,
)
from incidents.models import Actor, Incident, Source
from incidents.taxonomy import Stance

# Written with each incident, besides the fields a file gives (the vector is computed apart).
DERIVED = IN_MEMORY_FIELDS
# The stored search vector of a staged row (see core.bulk_writes `computed`).
_STAGED_VECTOR = search_vector_sql("s.search_document")

deferred_refreshes = deferred
# Every record the import wrote has a new version: the read model catches up with those (and
# with the records that show them) before the import commits.
refresh_public_records = refresh_stale_public_records


def computed_columns() -> dict[str, str]:
    """The columns PostgreSQL computes as a batch of incidents is written (column → SQL)."""
    if connections[Incident.objects.db].vendor != "postgresql":
        return {}
    return {"search_vector": _STAGED_VECTOR}


def derive(
    incident: Incident,
    participants: list[tuple],
    citations: list[tuple],
    actors: dict[int, Actor],
    sources: dict[int, Source],
) -> None:
    """Set the derived columns of `incident` as incidents.derived computes them, from the
    actor rows and citations it will have (as related.Related keeps them: the actor's or
    source's id first, a citation's stance last)."""
    records = IncidentRecords(
        incident=incident,
        place=incident.location,
        actors=[actors[row[0]] for row in participants],
        supporting_sources=[sources[row[0]] for row in citations if row[-1] == Stance.SUPPORTS],
    )
    values: dict[str, Any] = incident_values(records)
    for name, value in values.items():
        setattr(incident, name, value)
