"""CSV exports streamed by PostgreSQL's COPY, byte for byte what csv_lines writes.

For the `native`, `acled` and `ucdp` layouts PostgreSQL builds every cell (csvio.copy_native,
copy_acled, copy_ucdp) and writes the CSV; Python only turns COPY's LF row ends into the CRLF
that csv.writer writes. `copy_chunks` returns None, and the caller writes the file in Python, for
other layouts, on other databases, and for the rare incidents whose cells SQL cannot write
exactly as Python does (the layout's `select` says which).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db import connections
from django.db.models import QuerySet

from csvio import copy_acled, copy_native, copy_ucdp
from csvio.layouts import Preset
from csvio.layouts.acled import ACLED
from csvio.layouts.native import NATIVE
from csvio.layouts.ucdp import UCDP
from incidents.models import Incident


def _layout(preset: Preset) -> Callable[[str, object], str | None] | None:
    if preset is NATIVE:
        return copy_native.select
    if preset is ACLED:
        return copy_acled.select
    if preset is UCDP:
        return copy_ucdp.select
    return None


def copies(preset: Preset) -> bool:
    """Whether COPY writes `preset`'s layout (on PostgreSQL)."""
    return _layout(preset) is not None


def copy_chunks(
    incidents: QuerySet[Incident], preset: Preset, *, links_to: QuerySet[Incident] | None = None
) -> Iterator[str] | None:
    """The CSV of `incidents` in `preset`'s layout, in their order, written by COPY; None
    when COPY cannot write it exactly as csv_lines would. `links_to` as in
    exports.export_chunks."""
    statement = copy_statement(incidents, preset, links_to=links_to)
    if statement is None:
        return None
    return _copied(connections[incidents.db].connection, statement)


def copy_statement(
    incidents: QuerySet[Incident], preset: Preset, *, links_to: QuerySet[Incident] | None = None
) -> str | None:
    """The `COPY (…) TO STDOUT` that writes `incidents` in `preset`'s layout; None when COPY
    cannot write it exactly as csv_lines would."""
    select = _layout(preset)
    connection = connections[incidents.db]
    if select is None or connection.vendor != "postgresql":
        return None
    ids_query = incidents.values_list("pk", flat=True)
    if ids_query.query.distinct or ids_query.query.combinator:
        return None  # their ORDER BY may add columns to the SELECT
    import psycopg  # only installed where PostgreSQL is used

    connection.ensure_connection()
    raw = connection.connection

    def as_sql(query) -> str:
        return psycopg.ClientCursor(raw).mogrify(*query.query.sql_with_params())

    ids_sql = as_sql(ids_query)
    links_to = Incident.objects.public() if links_to is None else links_to
    links_sql = as_sql(links_to.values("pk")) if links_to.query.where else None  # else: all
    with raw.cursor() as cursor:
        cursor.execute("SELECT current_setting('extra_float_digits')::int > 0")
        if not cursor.fetchone()[0]:
            return None  # coordinates would not be written with the shortest digits
        query = (
            copy_native.select(ids_sql, cursor, links_sql)  # the one layout with relations
            if preset is NATIVE
            else select(ids_sql, cursor)
        )
    if query is None:
        return None
    return f"COPY ({query}) TO STDOUT (FORMAT csv, HEADER)"


def _copied(raw, statement: str) -> Iterator[str]:
    """COPY's rows with csv.writer's CRLF row ends.

    PostgreSQL sends each row of a COPY TO as one message (the wire protocol says so), so
    each block is one whole row and its last byte, a LF, is the row end; any other LF is
    inside a quoted cell, as csv.writer writes it too.
    """
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in copy:
            yield str(row[:-1], "utf-8") + "\r\n"
