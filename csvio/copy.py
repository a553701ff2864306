"""CSV exports streamed by PostgreSQL's COPY, byte for byte what csv_lines writes.

The SELECT is generated from the layout's columns, each of which carries its SQL beside its
Python writer (csvio.layouts.sql); PostgreSQL builds every cell and writes the CSV, and Python
only turns COPY's LF row ends into the CRLF that csv.writer writes. `copy_chunks` returns
None, and the caller writes the file in Python, for layouts with a column that has no SQL, on
other databases, and for the rare incidents whose cells some column's SQL cannot write exactly
as its Python does (the column's `sql_unwritable` says which).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connections
from django.db.models import QuerySet

from csvio.layouts.base import Preset
from csvio.layouts.sql import CellQuery, Uncopyable, select, unwritable
from incidents.models import Incident


def copy_chunks(
    incidents: QuerySet[Incident], preset: Preset, *, links_to: QuerySet[Incident] | None = None
) -> Iterator[str] | None:
    """The CSV of `incidents` in `preset`'s layout, in their order, written by COPY; None
    when COPY cannot write it exactly as csv_lines would. `links_to` as in
    export.export_chunks."""
    statement = copy_statement(incidents, preset, links_to=links_to)
    if statement is None:
        return None
    return _copied(connections[incidents.db].connection, statement)


def copy_statement(
    incidents: QuerySet[Incident], preset: Preset, *, links_to: QuerySet[Incident] | None = None
) -> str | None:
    """The `COPY (…) TO STDOUT` that writes `incidents` in `preset`'s layout; None when COPY
    cannot write it exactly as csv_lines would."""
    connection = connections[incidents.db]
    if not preset.copies or connection.vendor != "postgresql":
        return None
    ids_query = incidents.values_list("pk", flat=True)
    if ids_query.query.distinct or ids_query.query.combinator:
        return None  # their ORDER BY may add columns to the SELECT
    import psycopg  # only installed where PostgreSQL is used
    from psycopg.sql import Literal

    connection.ensure_connection()
    raw = connection.connection

    def as_sql(query) -> str:
        return psycopg.ClientCursor(raw).mogrify(*query.query.sql_with_params())

    ids_sql = as_sql(ids_query)
    links_sql = None
    if preset.lists_links:
        links_to = Incident.objects.public() if links_to is None else links_to
        links_sql = as_sql(links_to.values("pk")) if links_to.query.where else None  # else: all
    with raw.cursor() as cursor:
        cursor.execute("SELECT current_setting('extra_float_digits')::int > 0")
        if not cursor.fetchone()[0]:
            return None  # coordinates would not be written with the shortest digits
        query = CellQuery(
            incidents,
            ids_sql,
            links_sql=links_sql,
            literal=lambda value: Literal(value).as_string(cursor),
        )
        refused = unwritable(preset.columns, query)
        if refused is not None:
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {Incident._meta.db_table} AS i "
                f"WHERE i.id IN ({ids_sql}) AND ({refused}))"
            )
            if cursor.fetchone()[0]:
                return None
        try:
            statement = select(preset.columns, query)
        except Uncopyable:
            return None
    return f"COPY ({statement}) TO STDOUT (FORMAT csv, HEADER)"


def readable_query(
    incidents: QuerySet[Incident], preset: Preset, *, links_to: QuerySet[Incident] | None = None
) -> tuple[str, CellQuery]:
    """The SELECT of `preset`'s COPY and the query it was written against, generated on any
    database and without a connection to quote with (literals quoted plainly, the ids query
    as Django prints it): for reading what a layout's columns make, and for checking it
    where COPY does not run."""

    def as_sql(queryset: QuerySet) -> str:
        return str(queryset.query)

    links_sql = None
    if preset.lists_links and links_to is not None:
        links_sql = as_sql(links_to.values("pk"))
    query = CellQuery(
        incidents, as_sql(incidents.values_list("pk", flat=True)), links_sql=links_sql
    )
    return select(preset.columns, query), query


def _copied(raw, statement: str) -> Iterator[str]:
    """COPY's rows with csv.writer's CRLF row ends.

    PostgreSQL sends each row of a COPY TO as one message (the wire protocol says so), so
    each block is one whole row and its last byte, a LF, is the row end; any other LF is
    inside a quoted cell, as csv.writer writes it too.
    """
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in copy:
            yield str(row[:-1], "utf-8") + "\r\n"
