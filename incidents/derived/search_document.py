"""`Incident.search_document` and `Incident.search_vector`: the text that `?q=` searches.

An incident is found by its public id, title and summary, by its place's name and alternate
names and by its actors' names and aliases. Those live in three tables, so each incident keeps
them together in one text: the parts below, joined by spaces, a missing one as empty. The
text is defined twice from the same parts, side by side: as SQL (`search_document_sql`, for
set-based refreshes) and in memory (`search_document_of`, for bulk writes that write the
document with the row); a test holds them equal.

On PostgreSQL the document's tsvector is stored too (`search_vector`, GIN-indexed, migration
0005), so that matching a row is cheap even when the planner walks another index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps as global_apps
from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.contrib.postgres.search import SearchVectorField
from django.db.models import (
    Aggregate,
    Expression,
    Func,
    OuterRef,
    RowRange,
    Subquery,
    TextField,
    Value,
    Window,
)
from django.db.models.functions import Concat

# The text search configuration of the stored vectors (migrations 0002 and 0005); a query must
# use the same one, and changing it takes a migration that rebuilds the vectors.
# English stems words ("rockets" finds "rocket"); names, mostly transliterations, pass through
# the stemmer unchanged or stem the same way in the document and in the query.
SEARCH_CONFIG = "english"

# The parts of the document, in order: the incident's own fields, then its place's, then each
# actor's (in the order of the incident's actor rows).
INCIDENT_PARTS = ("public_id", "title", "summary")
PLACE_PARTS = ("name", "alternate_names")
ACTOR_PARTS = ("name", "aliases")
# The fields of Incident whose change rewrites its document.
INCIDENT_FIELDS = frozenset({*INCIDENT_PARTS, "location", "location_id"})
# The fields of related records whose change rewrites the documents that hold them.
NAME_FIELDS = {"incidents.actor": ACTOR_PARTS, "geo.location": PLACE_PARTS}


def search_document_of(incident: Any, place: Any | None, actors: Iterable[Any]) -> str:
    """The search document of `incident` from records in memory: `place` its location (or
    None), `actors` its actors in the order of their actor rows."""
    place_text = _spaced_text(place, PLACE_PARTS) if place is not None else ""
    actor_text = " ".join(_spaced_text(actor, ACTOR_PARTS) for actor in actors)
    return " ".join((_spaced_text(incident, INCIDENT_PARTS), place_text, actor_text))


def search_document_sql(apps=global_apps) -> Concat:
    """The SQL expression of an incident's search document (over an Incident row).

    `apps` lets a data migration pass its historical models.
    """
    Location = apps.get_model("geo", "Location")
    IncidentActor = apps.get_model("incidents", "IncidentActor")
    place = (
        Location._default_manager.filter(pk=OuterRef("location_id"))
        .order_by()
        .values(text=_spaced_sql(*PLACE_PARTS))
    )
    actor_rows = IncidentActor._default_manager.filter(incident_id=OuterRef("pk")).order_by()
    actor_text = _spaced_sql(*(f"actor__{part}" for part in ACTOR_PARTS))
    actors = _InActorRowOrder(
        Subquery(
            actor_rows.values("incident_id")
            .annotate(text=JoinedText(actor_text, order_by="pk"))
            .values("text")
        ),
        Subquery(actor_rows.annotate(text=_joined_in_window(actor_text)).values("text")[:1]),
    )
    return _spaced_sql(*INCIDENT_PARTS, Subquery(place), actors)


def search_vector_sql(document: str) -> str:
    """The SQL of the stored vector of `document` (the SQL of a text), as queries read it: for
    writes that compute the vector in the database (e.g. `search_vector_sql("s.search_document")`
    over a staged row)."""
    return f"to_tsvector('{SEARCH_CONFIG}'::regconfig, {document})"


class DocumentVector(Func):
    """to_tsvector over the search document, in the configuration queries use."""

    template = search_vector_sql("%(expressions)s")
    output_field = SearchVectorField()


def _spaced_text(record: Any, parts: Iterable[str]) -> str:
    return " ".join(getattr(record, part) or "" for part in parts)


def _spaced_sql(*parts: Any) -> Concat:
    """The parts joined by spaces; a missing part (NULL) counts as empty."""
    joined: list[Any] = []
    for part in parts:
        joined += [Value(" "), part] if joined else [part]
    return Concat(*joined, output_field=TextField())


class JoinedText(OrderableAggMixin, Aggregate):
    """The group's texts joined by spaces, in the order of `order_by` (PostgreSQL)."""

    function = "STRING_AGG"
    template = "%(function)s(%(distinct)s%(expressions)s %(order_by)s)"
    output_field = TextField()

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(expression, Value(" "), **extra)


class GroupConcat(Aggregate):
    function = "GROUP_CONCAT"
    output_field = TextField()
    window_compatible = True

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, Value(" "))


def _joined_in_window(text: Any) -> Window:
    """Every actor row's text joined in the order of the rows, on each row: SQLite before 3.44
    takes no ORDER BY inside an aggregate, but feeds a window's rows in the window's order."""
    return Window(GroupConcat(text), order_by="pk", frame=RowRange(start=None, end=None))


class _InActorRowOrder(Expression):
    """The actors' texts in the order of their rows: as an aggregate (PostgreSQL), or on
    SQLite as a window over the rows (see _joined_in_window)."""

    output_field = TextField()

    def __init__(self, aggregated: Subquery, windowed: Subquery) -> None:
        super().__init__()
        self.aggregated, self.windowed = aggregated, windowed

    def get_source_expressions(self) -> list[Any]:
        return [self.aggregated, self.windowed]

    def set_source_expressions(self, expressions: Sequence[Any]) -> None:
        self.aggregated, self.windowed = expressions

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.aggregated)

    def as_sqlite(self, compiler, connection, **extra_context):
        return compiler.compile(self.windowed)
