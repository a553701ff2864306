"""The columns an import derives for every incident it writes: its search document and
vector, and its count of independent sources.

Bulk writes send no signals, so an import writes what the search and provenance modules
derive with each row, from the records in memory; their own refreshes are deferred meanwhile.
Every use of those modules by the import is here.
"""

from __future__ import annotations

from django.db import connections

from incidents.models import Actor, Incident, Source
from incidents.provenance import count_independent
from incidents.search import document_of, refreshes_deferred, vector_sql
from incidents.taxonomy import Stance

# Written with each incident, besides the fields a file gives.
DERIVED = ("search_document", "independent_sources")
# The stored search vector of a staged row (see core.bulk_writes `computed`).
_STAGED_VECTOR = vector_sql("s.search_document")

deferred_refreshes = refreshes_deferred


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
    """Set the search document and the independent-source count of `incident`, as
    search.search_document() and provenance.independent_source_count() compute them, from
    the actor rows and citations it will have (as related.Related keeps them)."""
    incident.search_document = document_of(
        incident, incident.location, [actors[row[0]] for row in participants]
    )
    supporting = [sources[row[0]] for row in citations if row[-1] == Stance.SUPPORTS]
    incident.independent_sources = count_independent(supporting)
