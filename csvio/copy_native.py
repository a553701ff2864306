"""The SELECT that writes the `native` layout (presets.native) for PostgreSQL's COPY.

Every cell is built in SQL (joined actors, citations and tags, formula neutralisation,
timestamps, floats, the dataset_fields JSON) exactly as csv_lines writes it from the preset's
columns; csvio.copy_export runs it.
"""

from __future__ import annotations

from django.conf import settings

from csvio.copy_cells import NL, date, escaped, float_, literal, text, timestamp
from geo.models import Location
from incidents.models import Citation, Incident, IncidentActor, IncidentRelation, Source, Tag


def _json_scalar(expr: str) -> str:
    """json.dumps of what Django reads back from a jsonb scalar (strings escape alike)."""
    return (
        f"CASE WHEN jsonb_typeof({expr}) = 'number' AND strpos({expr}::text, '.') > 0 "
        f"THEN {float_(f'({expr})::text::float8')} ELSE {expr}::text END"
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
    origin = {part: text(f"o.{part}") for part in ("name", "country", "kind", "admin1", "admin2")}
    return [
        ("public_id", text("i.public_id")),
        ("permalink", text(f"{base_url} || '/incidents/' || i.public_id || '/'")),
        ("title", text("i.title")),
        ("summary", text("i.summary")),
        ("date_start", date("i.date_start")),
        ("date_end", date("i.date_end")),
        ("date_precision", text("i.date_precision")),
        ("event_type", text("i.event_type")),
        ("sub_event_type", text("i.sub_event_type")),
        ("violence_type", "i.violence_type"),
        ("weapon", text("i.weapon")),
        ("munition_count", "i.munition_count"),
        ("outcome", text("i.outcome")),
        ("damage", text("i.damage")),
        ("location", text("l.name")),
        ("location_kind", text("l.kind")),
        ("latitude", float_("l.latitude")),
        ("longitude", float_("l.longitude")),
        ("country", text("l.country")),
        ("admin1", text("l.admin1")),
        ("admin2", text("l.admin2")),
        ("geo_precision", "i.geo_precision"),
        ("origin_location", origin["name"]),
        ("origin_latitude", float_("o.latitude")),
        ("origin_longitude", float_("o.longitude")),
        ("origin_country", origin["country"]),
        ("origin_kind", origin["kind"]),
        ("origin_admin1", origin["admin1"]),
        ("origin_admin2", origin["admin2"]),
        ("fatalities_low", "i.fatalities_low"),
        ("fatalities_best", "i.fatalities_best"),
        ("fatalities_high", "i.fatalities_high"),
        ("injured", "i.injured"),
        ("confidence", text("i.confidence")),
        ("status", text("i.status")),
        ("retraction_reason", text("i.retraction_reason")),
        ("duplicate_of", text("k.public_id")),
        ("relations", text("rel.relations")),
        ("tags", text("t.tags")),
        ("actors", text("a.actors")),
        ("actor_types", text("a.actor_types")),
        ("source_publishers", text("c.publishers")),
        ("source_titles", text("c.titles")),
        ("source_urls", text("c.urls")),
        ("source_dates", text("c.dates")),
        ("source_types", text("c.types")),
        ("quotes", text("c.quotes")),
        ("locators", text("c.locators")),
        ("supports", text("c.supports")),
        ("stances", text("c.stances")),
        ("dataset", text("i.dataset")),
        ("dataset_event_id", text("i.dataset_event_id")),
        ("dataset_fields", text("d.json")),
        ("created_at", timestamp("i.created_at")),
        ("updated_at", timestamp("i.updated_at")),
    ]


def _lines(values: dict[str, str], rows: str, order: str) -> str:
    """A lateral subquery: each of `values` over `rows`, escaped and joined one per line.

    The rows come sorted from an inner query, so that the aggregates (one per cell) share
    one sort instead of sorting them each; with nothing but the aggregate above it, the
    order of that query is the order string_agg reads.
    """
    inner = ", ".join(f"{escaped(sql)} AS {name}" for name, sql in values.items())
    outer = ", ".join(f"string_agg(v.{name}, {NL}) AS {name}" for name in values)
    return f"SELECT {outer} FROM (SELECT {inner} FROM {rows} ORDER BY {order}) AS v"


def select(ids_sql: str, cursor, links_sql: str | None = None) -> str | None:
    """The native cells of the incidents `ids_sql` selects, in its order, listing relations
    to the incidents `links_sql` selects (to all without it); None when some incident's
    dataset_fields holds what SQL cannot write exactly as json.dumps does."""
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {Incident._meta.db_table} AS i WHERE i.id IN ({ids_sql}) "
        f"AND ({_unwritable_dataset_fields('i.dataset_fields')}))"
    )
    if cursor.fetchone()[0]:
        return None
    tables = {
        "incident": Incident._meta.db_table,
        "location": Location._meta.db_table,
        "tag": Tag._meta.db_table,
        "incident_tag": Incident.tags.through._meta.db_table,
        "participant": IncidentActor._meta.db_table,
        "actor": IncidentActor._meta.get_field("actor").related_model._meta.db_table,
        "citation": Citation._meta.db_table,
        "source": Source._meta.db_table,
        "relation": IncidentRelation._meta.db_table,
    }
    base_url = literal(settings.TESSERA_BASE_URL, cursor)
    columns = ",\n  ".join(f'{sql} AS "{name}"' for name, sql in _columns(base_url))
    side = "CASE WHEN p.side IN ('A', 'B') THEN ', side ' || p.side ELSE '' END"
    supports = (
        "CASE WHEN jsonb_typeof(c.supports) = 'array' THEN array_to_string(ARRAY("
        "SELECT jsonb_array_elements_text(c.supports)), ', ') ELSE '' END"
    )
    tags = _lines(
        {"tags": "tg.name"},
        f"{tables['incident_tag']} AS it JOIN {tables['tag']} AS tg ON tg.id = it.tag_id "
        "WHERE it.incident_id = i.id",
        "tg.name",
    )
    actors = _lines(
        {
            "actors": f"ac.name || ' (' || p.role || ', ' || p.attribution || {side} || ')'",
            "actor_types": "ac.actor_type",
        },
        f"{tables['participant']} AS p JOIN {tables['actor']} AS ac ON ac.id = p.actor_id "
        "WHERE p.incident_id = i.id",
        "p.role, ac.name",  # IncidentActor.Meta.ordering within one incident
    )
    citations = _lines(
        {
            "publishers": "s.publisher",
            "titles": "s.title",
            "urls": "s.url",
            "dates": date("s.published_at"),
            "types": "s.source_type",
            "quotes": "c.quote",
            "locators": "c.locator",
            "supports": supports,
            "stances": "c.stance",
        },
        f"{tables['citation']} AS c JOIN {tables['source']} AS s ON s.id = c.source_id "
        "WHERE c.incident_id = i.id",
        "c.id",
    )
    linkable = f" AND rl.to_incident_id IN ({links_sql})" if links_sql else ""
    relations = _lines(
        {"relations": "rl.kind || ' ' || ti.public_id"},
        f"{tables['relation']} AS rl JOIN {tables['incident']} AS ti ON ti.id = rl.to_incident_id "
        f"WHERE rl.from_incident_id = i.id{linkable}",
        "rl.kind, ti.public_id",  # the order exports.with_export_columns asks for
    )
    return f"""
SELECT
  {columns}
FROM unnest(ARRAY({ids_sql})) WITH ORDINALITY AS q(id, n)
JOIN {tables["incident"]} AS i ON i.id = q.id
JOIN {tables["location"]} AS l ON l.id = i.location_id
LEFT JOIN {tables["location"]} AS o ON o.id = i.origin_location_id
LEFT JOIN {tables["incident"]} AS k ON k.id = i.duplicate_of_id
-- OFFSET 0 keeps the JSON a column of its own, built once and not once per use in text().
CROSS JOIN LATERAL (SELECT {_dataset_fields("i.dataset_fields")} AS json OFFSET 0) AS d
LEFT JOIN LATERAL ({tags}) AS t ON true
LEFT JOIN LATERAL ({actors}) AS a ON true
LEFT JOIN LATERAL ({citations}) AS c ON true
LEFT JOIN LATERAL ({relations}) AS rel ON true
ORDER BY q.n
"""
