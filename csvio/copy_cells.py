"""SQL that writes a cell exactly as exports.csv_cell and the presets' Python columns do.

Shared by the layouts that PostgreSQL's COPY writes (csvio.copy_native, copy_acled). Each
function takes the SQL of a value and returns the SQL of its cell; a NULL cell is written as
nothing, the way csv.writer writes "" (COPY would quote an empty string).
"""

from __future__ import annotations

from collections.abc import Iterable

from psycopg import sql

NL, CR, TAB, BS = "chr(10)", "chr(13)", "chr(9)", "chr(92)"


def literal(value: object, cursor) -> str:
    """`value` as an SQL literal, quoted for `cursor`'s connection."""
    return sql.Literal(value).as_string(cursor)


def literals(values: Iterable[object], cursor) -> str:
    return ", ".join(literal(value, cursor) for value in values)


def text(expr: str) -> str:
    """A text cell: empty is written as NULL (unquoted, as csv.writer writes "") and a cell
    that starts like a formula gets a leading apostrophe (exports.csv_cell)."""
    value = f"NULLIF({expr}, '')"
    return (
        f"CASE WHEN left({expr}, 1) IN ('=', '+', '-', '@', {TAB}, {CR}) "
        f"THEN '''' || ({expr}) ELSE {value} END"
    )


def escaped(expr: str) -> str:
    """One value of a several-values cell, escaped as cells.join_lines escapes it."""
    return (
        f"replace(replace(replace(COALESCE(({expr})::text, ''), {BS}, {BS} || {BS}), "
        f"{NL}, {BS} || 'n'), {CR}, {BS} || 'r')"
    )


def float_(expr: str) -> str:
    """str(float) for a coordinate (-180..180): PostgreSQL writes 40 where Python writes 40.0.

    Both write the shortest digits that read back as the same double (extra_float_digits
    of 1, PostgreSQL's default) and switch to exponents below 1e-4 alike.
    """
    return f"CASE WHEN {expr} = trunc({expr}) THEN ({expr})::text || '.0' ELSE ({expr})::text END"


def date(expr: str) -> str:
    return f"to_char({expr}, 'YYYY-MM-DD')"


def timestamp(expr: str) -> str:
    """datetime.astimezone(UTC).isoformat() with Z: microseconds only when not zero."""
    utc = f"({expr} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN to_char({utc}, 'US') = '000000' THEN '' ELSE '.' || to_char({utc}, 'US') END"
        " || 'Z'"
    )


def mapped(expr: str, mapping: dict, cursor) -> str:
    """`mapping[value]` for a value of `expr`, NULL (an empty cell) for any other value."""
    cases = " ".join(
        f"WHEN {literal(key, cursor)} THEN {literal(value, cursor)}"
        for key, value in mapping.items()
    )
    return f"CASE {expr} {cases} END"
