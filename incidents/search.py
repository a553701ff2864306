"""Text search over incidents (`?q=`), through their search documents.

An incident is found by its public id, title and summary, by its place's names and by its
actors' names and aliases, all of which incidents.derived keeps in `Incident.search_document`.
PostgreSQL matches with full-text search on its stored vector, `Incident.search_vector`;
other databases (SQLite, for local runs) match every word as a case-insensitive substring.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps as global_apps
from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import QuerySet

from incidents.derived import SEARCH_CONFIG, refresh_incidents


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
    incident_ids: Iterable[int] | QuerySet | None = None, *, apps=global_apps
) -> int:
    """The old name of derived.refresh_incidents(incident_ids, fields=["search_document"]),
    kept for its callers until they move: migration 0002 (which should not import live code
    at all), the synthetic data generator, tests/csvio/test_import_derived.py."""
    return refresh_incidents(incident_ids, fields=["search_document"], apps=apps)
