"""The SELECT that writes the `acled` layout (presets.acled) for PostgreSQL's COPY.

Every cell is built in SQL exactly as csv_lines writes it from the preset's columns. What the
preset looks up in Python (country names and numbers, ACLED regions, admin-1 names) comes
into the query as a VALUES list, made by the preset's own functions for each country and
admin-1 code the places use; its code tables (time and geo precision, disorder types, which
roles fill actor1 and actor2) are written into the SQL from the preset's tables.
"""

from __future__ import annotations

from csvio.copy_cells import date, float_, literal, literals, mapped, text
from csvio.layouts import acled
from geo import gazetteer
from geo.models import Location
from incidents.models import Citation, Incident, IncidentActor, Source, Tag
from incidents.taxonomy import ActorRole, ActorType, GeoPrecision

KEPT = ("admin1", "admin2", "admin3", "source_scale")  # acled._kept columns


def _kept(column: str, cursor) -> str:
    dataset = literal(acled.DATASET, cursor)
    return f"CASE WHEN i.dataset = {dataset} THEN i.dataset_fields ->> '{column}' END"


def _unwritable(cursor) -> str:
    """Rows whose kept columns are not text: SQL would not write them as str() does."""
    keys = " OR ".join(
        f"jsonb_typeof(i.dataset_fields -> '{column}') NOT IN ('string', 'null')" for column in KEPT
    )
    return (
        f"i.dataset = {literal(acled.DATASET, cursor)} "
        f"AND (jsonb_typeof(i.dataset_fields) <> 'object' OR {keys})"
    )


def _on_side(role: str, side: str, cursor) -> str:
    """acled._on_side as SQL: `p` plays `role` on `side` (A is any side but B)."""
    condition = f"p.role = {literal(str(role), cursor)}"
    if side == "B":
        return f"{condition} AND p.side = 'B'"
    if side:
        return f"{condition} AND p.side IS DISTINCT FROM 'B'"
    return condition


def _side_choice(number: int, index: int, cursor) -> str:
    """`p` is among the actors of the `index`-th role that may fill side `number`."""
    disrupted = acled.DISRUPTED_SIDES[number]
    usual = acled.SIDES[number]
    cases = [
        f"WHEN i.sub_event_type = {literal(acled.DISRUPTED, cursor)} THEN "
        + (_on_side(*disrupted[index], cursor) if index < len(disrupted) else "false"),
        "ELSE " + (_on_side(*usual[index], cursor) if index < len(usual) else "false"),
    ]
    return f"(CASE {' '.join(cases)} END)"


def _sides(cursor) -> str:
    """A lateral subquery: each side's actor names and inter codes, in the order entered.

    A side takes the actors of the first role in its list that has any (acled.side_actors);
    the rows come sorted by id from the inner query, which array_agg reads in that order.
    """
    choices, arrays = [], []
    for number in (1, 2):
        count = max(len(acled.SIDES[number]), len(acled.DISRUPTED_SIDES[number]))
        names = [f"choice_{number}_{index}" for index in range(count)]
        choices += [
            f"{_side_choice(number, index, cursor)} AS {name}" for index, name in enumerate(names)
        ]
        for field, alias in (("name", "names"), ("actor_type", "types")):
            first_found = ", ".join(
                f"array_agg(v.{field}) FILTER (WHERE v.{name})" for name in names
            )
            arrays.append(f"COALESCE({first_found}) AS {alias}{number}")
    civilians = (
        f"p.role = {literal(str(ActorRole.TARGET), cursor)} "
        f"AND ac.actor_type = {int(ActorType.CIVILIANS)}"
    )
    actor_table = IncidentActor._meta.get_field("actor").related_model._meta.db_table
    return (
        f"SELECT {', '.join(arrays)}, bool_or(v.civilians) AS civilians FROM ("
        f"SELECT ac.name, ac.actor_type, {civilians} AS civilians, {', '.join(choices)} "
        f"FROM {IncidentActor._meta.db_table} AS p JOIN {actor_table} AS ac ON ac.id = p.actor_id "
        "WHERE p.incident_id = i.id ORDER BY p.id) AS v"
    )


def _interaction() -> str:
    """acled.interaction: both inter codes, lowest first; a sole actor's code then 0."""
    first, second = "NULLIF(a.types1[1], 0)", "NULLIF(a.types2[1], 0)"
    return (
        f"LEAST({first}, {second}) * 10 + "
        f"CASE WHEN {first} IS NULL OR {second} IS NULL THEN 0 ELSE GREATEST({first}, {second}) END"
    )


def _disorder_type(cursor) -> str:
    violent = literals(sorted(acled.VIOLENT_DEMONSTRATIONS), cursor)
    demonstrations = literals(sorted(acled.DEMONSTRATIONS), cursor)
    return (
        "CASE WHEN i.event_type = 'Strategic developments' THEN 'Strategic developments' "
        f"WHEN i.sub_event_type IN ({violent}) THEN 'Political violence; Demonstrations' "
        f"WHEN i.sub_event_type IN ({demonstrations}) THEN 'Demonstrations' "
        "ELSE 'Political violence' END"
    )


def _columns(cursor) -> list[tuple[str, str]]:
    """(column name, SQL of its cell), in the order of presets.acled.COLUMNS."""
    dataset = literal(acled.DATASET, cursor)
    time_precision = {str(key): value for key, value in acled.TIME_PRECISION.items()}
    geo_precision = {int(precision): precision.acled for precision in GeoPrecision}
    separator = literal(acled.SEPARATOR, cursor)
    return [
        (
            "event_id_cnty",
            text(
                f"CASE WHEN i.dataset = {dataset} AND i.dataset_event_id <> '' "
                "THEN i.dataset_event_id ELSE i.public_id END"
            ),
        ),
        ("event_date", date("i.date_start")),
        ("year", "extract(year FROM i.date_start)::int"),
        ("time_precision", mapped("i.date_precision", time_precision, cursor)),
        ("disorder_type", _disorder_type(cursor)),
        ("event_type", text("i.event_type")),
        ("sub_event_type", text("i.sub_event_type")),
        ("actor1", text("a.names1[1]")),
        ("assoc_actor_1", text(f"array_to_string(a.names1[2:], {separator})")),
        ("inter1", "a.types1[1]"),
        ("actor2", text("a.names2[1]")),
        ("assoc_actor_2", text(f"array_to_string(a.names2[2:], {separator})")),
        ("inter2", "a.types2[1]"),
        ("interaction", _interaction()),
        ("civilian_targeting", "CASE WHEN a.civilians THEN 'Civilian targeting' END"),
        ("iso", "k.iso"),
        ("region", text("k.region")),
        ("country", text("k.country")),
        (
            "admin1",
            text(f"CASE WHEN l.admin1 <> '' THEN r.name ELSE {_kept('admin1', cursor)} END"),
        ),
        ("admin2", text(f"COALESCE(NULLIF({_kept('admin2', cursor)}, ''), l.admin2)")),
        ("admin3", text(_kept("admin3", cursor))),
        ("location", text("l.name")),
        ("latitude", float_("l.latitude")),
        ("longitude", float_("l.longitude")),
        ("geo_precision", mapped("i.geo_precision", geo_precision, cursor)),
        ("source", text("c.publishers")),
        ("source_scale", text(_kept("source_scale", cursor))),
        ("notes", text("i.summary")),
        ("fatalities", "i.fatalities_best"),
        ("tags", text("t.tags")),
        ("timestamp", "trunc(extract(epoch FROM i.updated_at))::bigint"),
    ]


def _lookups(cursor) -> tuple[str, str]:
    """VALUES lists of what the preset's Python gives for each country and admin-1 code
    the places use: (code, iso, region, country) and (code, admin-1 name)."""
    cursor.execute(f"SELECT DISTINCT country, admin1 FROM {Location._meta.db_table}")
    places = cursor.fetchall()
    countries = sorted({country for country, _ in places} | {""})
    areas = sorted({admin1 for _, admin1 in places} | {""})
    country_rows = ", ".join(
        f"({literals([code, acled.country_number(code), acled.REGION_OF.get(code, '')], cursor)}, "
        f"{literal(acled.country_name(code), cursor)})"
        for code in countries
    )
    area_rows = ", ".join(
        f"({literals([code, gazetteer.admin1_name(code) if code else ''], cursor)})"
        for code in areas
    )
    return country_rows, area_rows


def select(ids_sql: str, cursor) -> str | None:
    """The acled cells of the incidents `ids_sql` selects, in its order; None when some
    ACLED incident keeps a column as something other than text."""
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {Incident._meta.db_table} AS i "
        f"WHERE i.id IN ({ids_sql}) AND {_unwritable(cursor)})"
    )
    if cursor.fetchone()[0]:
        return None
    country_rows, area_rows = _lookups(cursor)
    columns = ",\n  ".join(f'{sql} AS "{name}"' for name, sql in _columns(cursor))
    separator = literal(acled.SEPARATOR, cursor)
    return f"""
SELECT
  {columns}
FROM unnest(ARRAY({ids_sql})) WITH ORDINALITY AS q(id, n)
JOIN {Incident._meta.db_table} AS i ON i.id = q.id
JOIN {Location._meta.db_table} AS l ON l.id = i.location_id
LEFT JOIN (VALUES {country_rows}) AS k(code, iso, region, country) ON k.code = l.country
LEFT JOIN (VALUES {area_rows}) AS r(code, name) ON r.code = l.admin1
LEFT JOIN LATERAL ({_sides(cursor)}) AS a ON true
LEFT JOIN LATERAL (
  SELECT string_agg(f.publisher, {separator} ORDER BY f.first) AS publishers
  FROM (
    SELECT s.publisher, min(c.id) AS first
    FROM {Citation._meta.db_table} AS c JOIN {Source._meta.db_table} AS s ON s.id = c.source_id
    WHERE c.incident_id = i.id GROUP BY s.publisher
  ) AS f
) AS c ON true
LEFT JOIN LATERAL (
  SELECT string_agg(tg.name, {separator} ORDER BY tg.name) AS tags
  FROM {Incident.tags.through._meta.db_table} AS it
  JOIN {Tag._meta.db_table} AS tg ON tg.id = it.tag_id
  WHERE it.incident_id = i.id
) AS t ON true
ORDER BY q.n
"""
