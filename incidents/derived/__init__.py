"""Derived data: the columns Tessera computes from other rows, and the one way to keep them.

    Incident.search_document     the text `?q=` searches        derived.search_document
    Incident.search_vector       its tsvector (PostgreSQL)      derived.search_document
    Incident.independent_sources supporting sources, one per   derived.independent_sources
                                 origin
    Source.independence_key      the origin a source counts as  derived.independent_sources
    PublicRecord (read model)    a public incident's API text   derived.public_records
    PublicCount                  public incidents per day,      derived.public_counts
                                 place and type

Each column's SQL and in-memory forms sit side by side in its module; `refresh` holds the
column table (`COLUMNS`) and the set-based refreshes; `signals` says which ORM writes make a
column stale and refreshes it then, unless bulk work has `deferred()` that. No other module
writes these columns (Incident.save() leaves them alone: `incidents.models.DERIVED_FIELDS`).
"""

from __future__ import annotations

from incidents.derived.independent_sources import (
    independence_key,
    independent_sources_of,
    independent_sources_sql,
)
from incidents.derived.public_counts import (
    refresh_public_counts,
    refresh_stale_public_counts,
)
from incidents.derived.public_records import (
    refresh_public_records,
    refresh_stale_public_records,
    render_with,
)
from incidents.derived.refresh import (
    COLUMNS,
    IN_MEMORY_FIELDS,
    IncidentRecords,
    incident_values,
    refresh_incidents,
    refresh_sources,
)
from incidents.derived.search_document import (
    SEARCH_CONFIG,
    search_document_of,
    search_document_sql,
    search_vector_sql,
)
from incidents.derived.signals import connect_signals, deferred

__all__ = [
    "COLUMNS",
    "IN_MEMORY_FIELDS",
    "SEARCH_CONFIG",
    "IncidentRecords",
    "connect_signals",
    "deferred",
    "incident_values",
    "independence_key",
    "independent_sources_of",
    "independent_sources_sql",
    "refresh_incidents",
    "refresh_public_counts",
    "refresh_public_records",
    "refresh_sources",
    "refresh_stale_public_counts",
    "refresh_stale_public_records",
    "render_with",
    "search_document_of",
    "search_document_sql",
    "search_vector_sql",
]
