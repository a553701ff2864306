"""The `native` CSV export streamed by PostgreSQL's COPY, byte for byte what csv_lines writes.

PostgreSQL builds every cell (joined actors, citations and tags, formula neutralisation,
timestamps, floats, the dataset_fields JSON) and writes the CSV; Python only turns COPY's LF
row ends into the CRLF that csv.writer writes. `native_copy_chunks` returns None, and the
caller writes the file in Python, on other databases and for the rare incidents whose
dataset_fields SQL cannot write exactly as json.dumps does (nested values, huge decimals).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet

from geo.models import Location
from incidents.models import Citation, Incident, IncidentActor, Source, Tag

NL, CR, TAB, BS = "chr(10)", "chr(13)", "chr(9)", "chr(92)"


def _text(expr: str) -> str:
    """A text cell: empty is written as NULL (unquoted, as csv.writer writes "") and a cell
    that starts like a formula gets a leading apostrophe (exports.csv_cell)."""
    value = f"NULLIF({expr}, '')"
    return (
        f"CASE WHEN left({value}, 1) IN ('=', '+', '-', '@', {TAB}, {CR}) "
        f"THEN '''' || {value} ELSE {value} END"
    )


def _escaped(expr: str) -> str:
    """One value of a several-values cell, escaped as cells.join_lines escapes it."""
    return (
        f"replace(replace(replace(COALESCE(({expr})::text, ''), {BS}, {BS} || {BS}), "
        f"{NL}, {BS} || 'n'), {CR}, {BS} || 'r')"
    )


def _joined(expr: str, order: str) -> str:
    return f"string_agg({_escaped(expr)}, {NL} ORDER BY {order})"


def _float(expr: str) -> str:
    """str(float) for a coordinate (-180..180): PostgreSQL writes 40 where Python writes 40.0.

    Both write the shortest digits that read back as the same double (extra_float_digits
    of 1, PostgreSQL's default) and switch to exponents below 1e-4 alike.
    """
    return f"CASE WHEN {expr} = trunc({expr}) THEN ({expr})::text || '.0' ELSE ({expr})::text END"


def _date(expr: str) -> str:
    return f"to_char({expr}, 'YYYY-MM-DD')"


def _timestamp(expr: str) -> str:
    """datetime.astimezone(UTC).isoformat() with Z: microseconds only when not zero."""
    utc = f"({expr} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN to_char({utc}, 'US') = '000000' THEN '' ELSE '.' || to_char({utc}, 'US') END"
        " || 'Z'"
    )


def _json_scalar(expr: str) -> str:
    """json.dumps of what Django reads back from a jsonb scalar (strings escape alike)."""
    return (
        f"CASE WHEN jsonb_typeof({expr}) = 'number' AND strpos({expr}::text, '.') > 0 "
        f"THEN {_float(f'({expr})::text::float8')} ELSE {expr}::text END"
    )


def _dataset_fields(expr: str) -> str:
    """json.dumps(value, ensure_ascii=False, sort_keys=True) of a flat object, else empty."""
    return (
        f"CASE WHEN jsonb_typeof({expr}) = 'object' AND {expr} <> '{{}}'::jsonb THEN "
        f"(SELECT '{{' || string_agg(to_jsonb(f.key)::text || ': ' || {_json_scalar('f.value')}, "
        f"', ' ORDER BY f.key COLLATE \"C\") || '}}' FROM jsonb_each({expr}) AS f) END"
    )


def _unwritable_dataset_fields(expr: str) -> str:
    """Rows whose dataset_fields the SQL above would not write as json.dumps does."""
    return (
        f"(jsonb_typeof({expr}) NOT IN ('object', 'null') "
        f"AND {expr} NOT IN ('[]'::jsonb, '\"\"'::jsonb, '0'::jsonb, 'false'::jsonb)) "
        f"OR (jsonb_typeof({expr}) = 'object' AND EXISTS (SELECT 1 FROM jsonb_each({expr}) AS f "
        "WHERE jsonb_typeof(f.value) IN ('object', 'array') OR (jsonb_typeof(f.value) = 'number' "
        "AND strpos(f.value::text, '.') > 0 AND abs(f.value::text::numeric) >= 1e15)))"
    )


def _columns(base_url: str) -> list[tuple[str, str]]:
    """(column name, SQL of its cell), in the order of presets.native.COLUMNS."""
    origin = {part: _text(f"o.{part}") for part in ("name", "country", "kind", "admin1", "admin2")}
    return [
        ("public_id", _text("i.public_id")),
        ("permalink", _text(f"{base_url} || '/incidents/' || i.public_id || '/'")),
        ("title", _text("i.title")),
        ("summary", _text("i.summary")),
        ("date_start", _date("i.date_start")),
        ("date_end", _date("i.date_end")),
        ("date_precision", _text("i.date_precision")),
        ("event_type", _text("i.event_type")),
        ("sub_event_type", _text("i.sub_event_type")),
        ("violence_type", "i.violence_type"),
        ("weapon", _text("i.weapon")),
        ("munition_count", "i.munition_count"),
        ("outcome", _text("i.outcome")),
        ("damage", _text("i.damage")),
        ("location", _text("l.name")),
        ("location_kind", _text("l.kind")),
        ("latitude", _float("l.latitude")),
        ("longitude", _float("l.longitude")),
        ("country", _text("l.country")),
        ("admin1", _text("l.admin1")),
        ("admin2", _text("l.admin2")),
        ("geo_precision", "i.geo_precision"),
        ("origin_location", origin["name"]),
        ("origin_latitude", _float("o.latitude")),
        ("origin_longitude", _float("o.longitude")),
        ("origin_country", origin["country"]),
        ("origin_kind", origin["kind"]),
        ("origin_admin1", origin["admin1"]),
        ("origin_admin2", origin["admin2"]),
        ("fatalities_low", "i.fatalities_low"),
        ("fatalities_best", "i.fatalities_best"),
        ("fatalities_high", "i.fatalities_high"),
        ("injured", "i.injured"),
        ("confidence", _text("i.confidence")),
        ("status", _text("i.status")),
        ("tags", _text("t.tags")),
        ("actors", _text("a.actors")),
        ("actor_types", _text("a.actor_types")),
        ("source_publishers", _text("c.publishers")),
        ("source_titles", _text("c.titles")),
        ("source_urls", _text("c.urls")),
        ("source_dates", _text("c.dates")),
        ("source_types", _text("c.types")),
        ("quotes", _text("c.quotes")),
        ("locators", _text("c.locators")),
        ("supports", _text("c.supports")),
        ("stances", _text("c.stances")),
        ("dataset", _text("i.dataset")),
        ("dataset_event_id", _text("i.dataset_event_id")),
        ("dataset_fields", _text(_dataset_fields("i.dataset_fields"))),
        ("created_at", _timestamp("i.created_at")),
        ("updated_at", _timestamp("i.updated_at")),
    ]


def _native_select(ids_sql: str, base_url: str) -> str:
    """The native columns of the incidents `ids_sql` selects, in its order."""
    tables = {
        "incident": Incident._meta.db_table,
        "location": Location._meta.db_table,
        "tag": Tag._meta.db_table,
        "incident_tag": Incident.tags.through._meta.db_table,
        "participant": IncidentActor._meta.db_table,
        "actor": IncidentActor._meta.get_field("actor").related_model._meta.db_table,
        "citation": Citation._meta.db_table,
        "source": Source._meta.db_table,
    }
    columns = ",\n  ".join(f'{sql} AS "{name}"' for name, sql in _columns(base_url))
    side = "CASE WHEN p.side IN ('A', 'B') THEN ', side ' || p.side ELSE '' END"
    supports = (
        "CASE WHEN jsonb_typeof(c.supports) = 'array' THEN array_to_string(ARRAY("
        "SELECT jsonb_array_elements_text(c.supports)), ', ') ELSE '' END"
    )
    citation_parts = {
        "publishers": "s.publisher",
        "titles": "s.title",
        "urls": "s.url",
        "dates": _date("s.published_at"),
        "types": "s.source_type",
        "quotes": "c.quote",
        "locators": "c.locator",
        "supports": supports,
        "stances": "c.stance",
    }
    citations = ", ".join(
        f"{_joined(sql, 'c.id')} AS {name}" for name, sql in citation_parts.items()
    )
    actor_order = "p.role, ac.name"  # IncidentActor.Meta.ordering within one incident
    return f"""
SELECT
  {columns}
FROM unnest(ARRAY({ids_sql})) WITH ORDINALITY AS q(id, n)
JOIN {tables["incident"]} AS i ON i.id = q.id
JOIN {tables["location"]} AS l ON l.id = i.location_id
LEFT JOIN {tables["location"]} AS o ON o.id = i.origin_location_id
LEFT JOIN LATERAL (
  SELECT {_joined("tg.name", "tg.name")} AS tags
  FROM {tables["incident_tag"]} AS it JOIN {tables["tag"]} AS tg ON tg.id = it.tag_id
  WHERE it.incident_id = i.id
) AS t ON true
LEFT JOIN LATERAL (
  SELECT
    {_joined(f"ac.name || ' (' || p.role || ', ' || p.attribution || {side} || ')'", actor_order)}
      AS actors,
    {_joined("ac.actor_type", actor_order)} AS actor_types
  FROM {tables["participant"]} AS p JOIN {tables["actor"]} AS ac ON ac.id = p.actor_id
  WHERE p.incident_id = i.id
) AS a ON true
LEFT JOIN LATERAL (
  SELECT {citations}
  FROM {tables["citation"]} AS c JOIN {tables["source"]} AS s ON s.id = c.source_id
  WHERE c.incident_id = i.id
) AS c ON true
ORDER BY q.n
"""


def _crlf_rows(blocks: Iterator[bytes]) -> Iterator[str]:
    """COPY's text with csv.writer's CRLF row ends: a LF outside quotes ends a row.

    COPY quotes every field that holds a line break, so LFs inside quotes are data; the
    quote state carries over from block to block.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    inside = False
    for block in blocks:
        text = decoder.decode(bytes(block))
        if not text:
            continue
        parts = text.split('"')
        for index, part in enumerate(parts):
            if not inside and "\n" in part:
                parts[index] = part.replace("\n", "\r\n")
            if index < len(parts) - 1:
                inside = not inside
        yield '"'.join(parts)
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def native_copy_chunks(incidents: QuerySet[Incident]) -> Iterator[str] | None:
    """The `native` CSV of `incidents`, in their order, written by COPY; None when not possible.

    None on databases other than PostgreSQL and when some matching incident's dataset_fields
    holds a value the SQL does not write as json.dumps does: the caller then writes in Python.
    """
    connection = connections[incidents.db]
    if connection.vendor != "postgresql":
        return None
    ids_query = incidents.values_list("pk", flat=True)
    if ids_query.query.distinct or ids_query.query.combinator:
        return None  # their ORDER BY may add columns to the SELECT
    import psycopg  # only installed where PostgreSQL is used
    from psycopg import sql as psycopg_sql

    sql, params = ids_query.query.sql_with_params()
    connection.ensure_connection()
    raw = connection.connection
    ids_sql = psycopg.ClientCursor(raw).mogrify(sql, params)
    base_url = psycopg_sql.Literal(settings.TESSERA_BASE_URL).as_string(raw)
    with raw.cursor() as cursor:
        cursor.execute(
            f"SELECT current_setting('extra_float_digits')::int > 0, EXISTS ("
            f"SELECT 1 FROM {Incident._meta.db_table} AS i WHERE i.id IN ({ids_sql}) AND "
            f"({_unwritable_dataset_fields('i.dataset_fields')}))"
        )
        shortest_floats, unwritable = cursor.fetchone()
    if not shortest_floats or unwritable:
        return None
    statement = f"COPY ({_native_select(ids_sql, base_url)}) TO STDOUT (FORMAT csv, HEADER)"
    return _copied(raw, statement)


def _copied(raw, statement: str) -> Iterator[str]:
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        yield from _crlf_rows(iter(copy))
