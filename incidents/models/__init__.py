"""The incidents app's models, one module per kind of record."""

from __future__ import annotations

from incidents.models.actors import Actor, IncidentActor
from incidents.models.counters import PublicIdCounter
from incidents.models.incident import (
    DERIVED_FIELDS,
    SEARCH_FIELDS,
    Incident,
    IncidentRelation,
    Tag,
)
from incidents.models.not_duplicates import NotDuplicate
from incidents.models.public_counts import CountedIncident, PublicCount
from incidents.models.public_records import PublicRecord
from incidents.models.sources import CLAIMS, Citation, Publisher, Source

__all__ = [
    "CLAIMS",
    "DERIVED_FIELDS",
    "SEARCH_FIELDS",
    "Actor",
    "Citation",
    "CountedIncident",
    "Incident",
    "IncidentActor",
    "IncidentRelation",
    "NotDuplicate",
    "PublicCount",
    "PublicIdCounter",
    "PublicRecord",
    "Publisher",
    "Source",
    "Tag",
]
