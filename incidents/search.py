"""Text search over incidents (`?q=`), through their search documents.

An incident is found by its public id, title and summary, by its place's names and by its
actors' names and aliases, all of which incidents.derived keeps in `Incident.search_document`.
PostgreSQL matches with full-text search on its stored vector, `Incident.search_vector`;
other databases (SQLite, for local runs) match every word as a case-insensitive substring.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import QuerySet

from incidents.derived import SEARCH_CONFIG


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
