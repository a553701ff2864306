"""The SELECT a layout's columns make, for PostgreSQL's COPY (csvio.copy runs it).

A column's `sql(query)` is the SQL of its cell for one incident, the row `i`. What it reads
beside that row (its place, its actors, a table of country names) is a `Join` or, for values
of the incident's related rows written one per line, a `Lines` subquery. Each is declared once
beside the columns that read it, and enters the statement only when some column of the layout
asks for it (`query.join`, `query.lines`), after what it needs: a layout without a column has
neither its cell nor the join only it read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.db.models import QuerySet

from csvio.sql_cells import NL, escaped, plain_literal
from geo.models import Location
from incidents.models import Incident

if TYPE_CHECKING:
    from csvio.layouts.base import Column


T = TypeVar("T")


class Uncopyable(Exception):
    """Some incident holds what SQL cannot write exactly as the column's Python does."""


@dataclass(frozen=True, eq=False)
class Join:
    """A table or subquery joined to the incident row `i` under `alias`."""

    alias: str
    clause: Callable[[CellQuery], str]  # e.g. "JOIN geo_location AS l ON l.id = i.location_id"
    needs: tuple[Join, ...] = ()
    # A WITH entry the clause reads, e.g. "estimates(text, count) AS (VALUES …)".
    common: Callable[[CellQuery], str] | None = None


@dataclass(frozen=True, eq=False)
class Lines:
    """A lateral subquery over an incident's related rows (`rows`: FROM … WHERE … = i.id) in
    `order`: each value a column asks for, escaped and one per line as cells.join_lines
    writes it."""

    alias: str
    rows: Callable[[CellQuery], str]
    order: str


class CellQuery:
    """What the columns' SQL is written against: the incidents (`ids_sql` selects their ids,
    in export order), the incidents their links may name (`links_sql`, all when None), and
    literals quoted for the connection. It records the joins the columns ask for."""

    def __init__(
        self,
        incidents: QuerySet[Incident],
        ids_sql: str,
        *,
        links_sql: str | None = None,
        literal: Callable[[object], str] = plain_literal,
    ):
        self.incidents = incidents
        self.ids_sql = ids_sql
        self.links_sql = links_sql
        self.literal = literal
        self._joins: dict[Join | Lines, None] = {}
        self._lines: dict[Lines, dict[str, str]] = {}
        self._written = False
        self._computed: dict[Callable, object] = {}

    def once(self, compute: Callable[[CellQuery], T]) -> T:
        """compute(self), computed once per query: a lookup that several joins read."""
        if compute not in self._computed:
            self._computed[compute] = compute(self)
        return self._computed[compute]  # type: ignore[return-value]

    def literals(self, values: Iterable[object]) -> str:
        return ", ".join(self.literal(value) for value in values)

    def join(self, join: Join) -> str:
        """The alias of `join`, which the statement will hold (after what it needs)."""
        if join not in self._joins:
            assert not self._written, f"{join.alias} was asked for after the joins were written"
            for needed in join.needs:
                self.join(needed)
            self._joins[join] = None
        return join.alias

    def lines(self, source: Lines, name: str, value: str) -> str:
        """`value` (SQL over `source`'s rows) for all of an incident's rows, one per line."""
        assert not self._written, f"{source.alias} was asked for after the joins were written"
        self._joins.setdefault(source, None)
        self._lines.setdefault(source, {})[name] = value
        return f"{source.alias}.{name}"

    @property
    def joined(self) -> list[str]:
        """The aliases of the joins the columns asked for, in the statement's order."""
        return [join.alias for join in self._joins]

    def joins(self) -> tuple[str, str]:
        """The WITH entries and the join clauses the columns asked for: inner joins first,
        then joins of one row per incident, lookups, and the lateral subqueries last, each
        kind in the order the columns asked for them (what a join needs comes before it)."""
        self._written = True
        common, clauses = [], []
        for join in self._joins:
            if isinstance(join, Lines):
                lateral = self._lines_sql(join)
                clauses.append(f"LEFT JOIN LATERAL ({lateral}) AS {join.alias} ON true")
                continue
            if join.common is not None:
                common.append(join.common(self))
            clauses.append(join.clause(self))
        clauses.sort(key=_kind)
        return ", ".join(common), "\n".join(clauses)

    def _lines_sql(self, source: Lines) -> str:
        """The rows come sorted from an inner query, so that the aggregates (one per cell)
        share one sort instead of sorting them each; with nothing but the aggregate above it,
        the order of that query is the order string_agg reads."""
        values = self._lines[source]
        inner = ", ".join(f"{escaped(sql)} AS {name}" for name, sql in values.items())
        outer = ", ".join(f"string_agg(v.{name}, {NL}) AS {name}" for name in values)
        rows = f"SELECT {inner} FROM {source.rows(self)} ORDER BY {source.order}"
        return f"SELECT {outer} FROM ({rows}) AS v"


JOIN_KINDS = ("JOIN ", "CROSS JOIN ", "LEFT JOIN ", "LEFT JOIN LATERAL ")


def _kind(clause: str) -> int:
    return max(rank for rank, kind in enumerate(JOIN_KINDS) if clause.startswith(kind))


def select(columns: list[Column], query: CellQuery) -> str:
    """The SELECT that writes `columns` for the incidents of `query`, in its order.

    Raises TypeError for a column without SQL, Uncopyable when some incident holds what
    SQL cannot write exactly (found while the columns' lookups are made).
    """
    cells = []
    for column in columns:
        if column.sql is None:
            raise TypeError(f"The column {column.name} has no SQL.")
        cells.append(f'{column.sql(query)} AS "{column.name}"')
    common, joins = query.joins()
    with_clause = f"WITH {common}\n" if common else ""
    listed = ",\n  ".join(cells)
    return f"""
{with_clause}SELECT
  {listed}
FROM unnest(ARRAY({query.ids_sql})) WITH ORDINALITY AS q(id, n)
JOIN {Incident._meta.db_table} AS i ON i.id = q.id
{joins}
ORDER BY q.n
"""


def unwritable(columns: list[Column], query: CellQuery) -> str | None:
    """An SQL condition on the row `i`: incidents some column's SQL would not write exactly
    as its Python does (None when every column writes every incident)."""
    conditions = dict.fromkeys(
        f"({column.sql_unwritable(query)})" for column in columns if column.sql_unwritable
    )
    return " OR ".join(conditions) or None


# The incident's place, which every layout writes.
LOCATION = Join("l", lambda q: f"JOIN {Location._meta.db_table} AS l ON l.id = i.location_id")
