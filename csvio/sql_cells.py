"""SQL that writes a cell exactly as export.csv_cell writes a column's Python value.

The layouts' columns build their `sql` from these (csvio.layouts). Each function takes the SQL
of a value and returns the SQL of its cell; a NULL cell is written as nothing, the way
csv.writer writes "" (COPY would quote an empty string).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

NL, CR, TAB, BS = "chr(10)", "chr(13)", "chr(9)", "chr(92)"


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


def mapped(expr: str, mapping: dict, literal: Callable[[object], str]) -> str:
    """`mapping[value]` for a value of `expr`, NULL (an empty cell) for any other value."""
    cases = " ".join(f"WHEN {literal(key)} THEN {literal(value)}" for key, value in mapping.items())
    return f"CASE {expr} {cases} END"


def plain_literal(value: object) -> str:
    """`value` as an SQL literal without a connection to quote it: for reading the SQL a
    layout generates (tests, SQLite); COPY quotes with its connection (psycopg's Literal)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool | int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _json_scalar(expr: str) -> str:
    """json.dumps of what Django reads back from a jsonb scalar (strings escape alike)."""
    return (
        f"CASE WHEN jsonb_typeof({expr}) = 'number' AND strpos({expr}::text, '.') > 0 "
        f"THEN {float_(f'({expr})::text::float8')} ELSE {expr}::text END"
    )


def json_object(expr: str) -> str:
    """json.dumps(value, ensure_ascii=False, sort_keys=True) of a flat object, else NULL."""
    return (
        f"CASE WHEN jsonb_typeof({expr}) = 'object' AND {expr} <> '{{}}'::jsonb THEN "
        f"(SELECT '{{' || string_agg(to_jsonb(f.key)::text || ': ' || {_json_scalar('f.value')}, "
        f"', ' ORDER BY f.key COLLATE \"C\") || '}}' FROM jsonb_each({expr}) AS f) END"
    )


def json_object_differs(expr: str) -> str:
    """Values of `expr` that json_object would not write as json.dumps does (nested values,
    decimals too large for a float, scalars that are not empty)."""
    return (
        f"(jsonb_typeof({expr}) NOT IN ('object', 'null') "
        f"AND {expr} NOT IN ('[]'::jsonb, '\"\"'::jsonb, '0'::jsonb, 'false'::jsonb)) "
        f"OR (jsonb_typeof({expr}) = 'object' AND EXISTS (SELECT 1 FROM jsonb_each({expr}) AS f "
        "WHERE jsonb_typeof(f.value) IN ('object', 'array') OR (jsonb_typeof(f.value) = 'number' "
        "AND strpos(f.value::text, '.') > 0 AND abs(f.value::text::numeric) >= 1e15)))"
    )


def not_text(expr: str) -> str:
    """A jsonb value that is neither text nor null: str() and ->> would write it differently."""
    return f"jsonb_typeof({expr}) NOT IN ('string', 'null')"


def field_cell(model_field: models.Field, expr: str) -> str:
    """The cell of a value of `model_field` (SQL `expr`), as csv_cell writes the field's
    Python value: text neutralised, dates and times in ISO 8601, floats as str(), numbers
    as they are."""
    if isinstance(model_field, models.DateTimeField):
        return timestamp(expr)
    if isinstance(model_field, models.DateField):
        return date(expr)
    if isinstance(model_field, models.FloatField):
        return float_(expr)
    if isinstance(model_field, models.CharField | models.TextField):
        return text(expr)
    return expr
