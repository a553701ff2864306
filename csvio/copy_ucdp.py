"""The SELECT that writes the `ucdp` layout (presets.ucdp) for PostgreSQL's COPY.

Every cell is built in SQL exactly as csv_lines writes it from the preset's columns. The cells
that the preset works out in Python from a kept GED value (country and adm_1, checked against
the place; the file's own estimates, read as counts) come into the query as VALUES lists, made
by the preset's own columns for each combination the incidents use.
"""

from __future__ import annotations

from functools import cache

from csvio.copy_cells import date, float_, literal, literals, mapped, text
from csvio.layouts import ucdp
from csvio.layouts.base import CellError
from csvio.layouts.cells import read_count
from geo.models import Location
from incidents.models import Citation, Incident, IncidentActor, Source
from incidents.taxonomy import ActorRole, Side

# The dataset_fields a GED row's export reads (presets.ucdp's kept columns and the columns
# that compare the file's text with the record).
KEPT = (
    "year",
    "active_year",
    "conflict_new_id",
    "conflict_name",
    "dyad_new_id",
    "dyad_name",
    "side_a_new_id",
    "side_b_new_id",
    "gwnob",
    "number_of_sources",
    "source_article",
    "source_original",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "adm_1",
    "event_clarity",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    *ucdp.ESTIMATES,
)
# The kept sides, which ucdp.split_side splits: in Python a JSON null there fails the export.
SIDES = ("side_a", "side_b")


@cache
def _whitespace() -> str:
    """What str.strip() strips: every character Python counts as whitespace."""
    return "".join(char for char in map(chr, range(0x110000)) if char.isspace())


def _kept(column: str) -> str:
    return f"CASE WHEN g.ged THEN i.dataset_fields ->> '{column}' END"


def _unwritable(cursor) -> str:
    """Rows Python would not write as text: kept columns that are not text, GED sides that are
    not text (split_side), dataset_fields that are not an object (read by every row)."""
    kept = " OR ".join(
        f"jsonb_typeof(i.dataset_fields -> '{column}') NOT IN ('string', 'null')" for column in KEPT
    )
    sides = " OR ".join(
        f"jsonb_typeof(i.dataset_fields -> '{column}') <> 'string'" for column in SIDES
    )
    return (
        f"jsonb_typeof(i.dataset_fields) <> 'object' OR "
        f"(i.dataset = {literal(ucdp.DATASET, cursor)} AND ({kept} OR {sides}))"
    )


def _side(side: str) -> str:
    """ucdp._side: GED's own text while it names the same actors, else the names joined."""
    names = f"a.side_{side.lower()}"
    split = (
        f"ARRAY(SELECT t.name FROM unnest(string_to_array("
        f"COALESCE(i.dataset_fields ->> 'side_{side.lower()}', ''), ',')) AS x, "
        f"btrim(x, w.chars) AS t(name) WHERE t.name <> '' ORDER BY t.name COLLATE \"C\")"
    )
    same = f'{split} = ARRAY(SELECT x::text FROM unnest({names}) AS x ORDER BY x COLLATE "C")'
    return text(
        f"CASE WHEN g.ged AND {same} THEN i.dataset_fields ->> 'side_{side.lower()}' "
        f"ELSE array_to_string({names}, '{ucdp.NATIVE_SIDE_SEPARATOR}') END"
    )


def _estimate(column: str) -> str:
    """ucdp._estimate: the file's number while the fitted ones are still the record's."""
    given = [f"e_{name}.count::int" for name in ucdp.ESTIMATES]
    low, best, high = given
    fitted = (
        f"ROW(CASE WHEN {best} IS NULL OR {low} IS NULL THEN {low} ELSE LEAST({low}, {best}) END, "
        f"{best}, "
        f"CASE WHEN {best} IS NULL OR {high} IS NULL THEN {high} ELSE GREATEST({high}, {best}) END)"
    )
    current = "ROW(" + ", ".join(f"i.{field}" for field in ucdp.ESTIMATES.values()) + ")"
    kept = _kept(column)
    return (
        f"CASE WHEN {kept} IS NOT NULL AND {fitted} IS NOT DISTINCT FROM {current} "
        f"THEN {text(kept)} ELSE (i.{ucdp.ESTIMATES[column]})::text END"
    )


def _from_file(column: str, computed: str) -> str:
    return f"CASE WHEN g.ged THEN {text(_kept(column))} ELSE {computed} END"


def _columns(cursor) -> list[tuple[str, str]]:
    """(column name, SQL of its cell), in the order of presets.ucdp.COLUMNS."""
    low_clarity = literals([str(value) for value in ucdp.LOW_CLARITY_CONFIDENCES], cursor)
    date_precs = {str(precision): code for precision, code in ucdp.DATE_PREC_CODES.items()}
    row = "LEAST(floor((l.latitude + 90) * 2), 359)"
    column = "LEAST(floor((l.longitude + 180) * 2), 719)"
    kept = {name: text(_kept(name)) for name in KEPT}
    return [
        ("id", text("CASE WHEN g.ged THEN i.dataset_event_id ELSE i.public_id END")),
        ("year", _from_file("year", "extract(year FROM i.date_start)::int::text")),
        ("active_year", kept["active_year"]),
        ("type_of_violence", "i.violence_type"),
        ("conflict_new_id", kept["conflict_new_id"]),
        ("conflict_name", kept["conflict_name"]),
        ("dyad_new_id", kept["dyad_new_id"]),
        ("dyad_name", kept["dyad_name"]),
        ("side_a_new_id", kept["side_a_new_id"]),
        ("side_a", _side(Side.A.value)),
        ("side_b_new_id", kept["side_b_new_id"]),
        ("gwnob", kept["gwnob"]),
        ("side_b", _side(Side.B.value)),
        ("number_of_sources", _from_file("number_of_sources", "c.count::text")),
        ("source_article", _from_file("source_article", text("c.article"))),
        ("source_office", text("c.offices")),
        ("source_date", text("c.dates")),
        ("source_headline", text("c.headlines")),
        ("source_original", kept["source_original"]),
        ("where_prec", "i.geo_precision"),
        ("where_coordinates", text("l.name")),
        ("adm_1", text("r.cell")),
        ("adm_2", text("l.admin2")),
        ("latitude", float_("l.latitude")),
        ("longitude", float_("l.longitude")),
        (
            "geom_wkt",
            # ucdp.geom_wkt: repr() without ".0", which is how PostgreSQL writes a float8.
            _from_file("geom_wkt", "'POINT (' || l.longitude || ' ' || l.latitude || ')'"),
        ),
        ("priogrid_gid", _from_file("priogrid_gid", f"({row} * 720 + {column} + 1)::int::text")),
        ("country", text("k.cell")),
        ("country_id", kept["country_id"]),
        ("region", kept["region"]),
        (
            "event_clarity",
            _from_file(
                "event_clarity", f"CASE WHEN i.confidence IN ({low_clarity}) THEN '2' ELSE '1' END"
            ),
        ),
        ("date_prec", mapped("i.date_precision", date_precs, cursor)),
        ("date_start", date("i.date_start")),
        ("date_end", date("i.date_end")),
        *(
            (name, kept[name])
            for name in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
        ),
        *((name, _estimate(name)) for name in ucdp.ESTIMATES),
    ]


def _cell(name: str, incident: Incident) -> str:
    """The preset's own cell `name` for a stand-in incident (unsaved, never written)."""
    column = next(column for column in ucdp.COLUMNS if column.name == name)
    return column.value(incident)


def _lookups(ids_sql: str, cursor) -> tuple[str, str, str] | None:
    """VALUES lists of the preset's Python cells for each combination the incidents use:
    (kept country, place's country, cell), (kept adm_1, country, admin-1 code, cell) and
    (kept estimate, its count); None when a kept estimate is not a count (Python refuses it)."""
    ged = f"i.dataset = {literal(ucdp.DATASET, cursor)}"
    kept_values = ", ".join(
        f"CASE WHEN {ged} THEN i.dataset_fields ->> '{name}' END"
        for name in ("country", "adm_1", *ucdp.ESTIMATES)
    )
    cursor.execute(
        f"SELECT DISTINCT l.country, l.admin1, {kept_values} "
        f"FROM {Incident._meta.db_table} AS i JOIN {Location._meta.db_table} AS l "
        f"ON l.id = i.location_id WHERE i.id IN ({ids_sql})"
    )
    countries, areas, estimates = {("", "")}, {("", "", "")}, {""}
    for code, admin1, country, adm_1, *given in cursor.fetchall():
        countries.add((country or "", code))
        areas.add((adm_1 or "", code, admin1))
        estimates.update(value for value in given if value is not None)

    def cell(name: str, kept: str, code: str, admin1: str = "") -> str:
        place = Location(country=code, admin1=admin1)
        return _cell(
            name, Incident(dataset=ucdp.DATASET, location=place, dataset_fields={name: kept})
        )

    country_rows = ", ".join(
        f"({literals([kept, code, cell('country', kept, code)], cursor)})"
        for kept, code in sorted(countries)
    )
    area_rows = ", ".join(
        f"({literals([kept, code, admin1, cell('adm_1', kept, code, admin1)], cursor)})"
        for kept, code, admin1 in sorted(areas)
    )
    try:
        counts = {value: read_count(value) for value in sorted(estimates)}
    except CellError:
        return None
    estimate_rows = ", ".join(f"({literals(pair, cursor)})" for pair in counts.items())
    return country_rows, area_rows, estimate_rows


def _participants(cursor) -> str:
    """A lateral subquery: each side's actor names, once each, in IncidentActor's order
    (ucdp.side_names: by side when any actor has one, else perpetrators and targets)."""
    actor_table = IncidentActor._meta.get_field("actor").related_model._meta.db_table
    order = "ORDER BY p.role, ac.name"  # IncidentActor.Meta.ordering within one incident
    groups = {
        "a": f"p.side = '{Side.A.value}'",
        "b": f"p.side = '{Side.B.value}'",
        "perpetrators": f"p.role = {literal(str(ActorRole.PERPETRATOR), cursor)}",
        "targets": f"p.role = {literal(str(ActorRole.TARGET), cursor)}",
    }
    arrays = ", ".join(
        f"array_agg(ac.name {order}) FILTER (WHERE {condition}) AS {name}"
        for name, condition in groups.items()
    )

    def once_each(array: str) -> str:
        return (
            f"ARRAY(SELECT u.name FROM unnest({array}) WITH ORDINALITY AS u(name, n) "
            "GROUP BY u.name ORDER BY min(u.n))"
        )

    return (
        f"SELECT {once_each('CASE WHEN s.sided THEN s.a ELSE s.perpetrators END')} AS side_a, "
        f"{once_each('CASE WHEN s.sided THEN s.b ELSE s.targets END')} AS side_b FROM ("
        f"SELECT bool_or(p.side <> '') AS sided, {arrays} "
        f"FROM {IncidentActor._meta.db_table} AS p JOIN {actor_table} AS ac ON ac.id = p.actor_id "
        "WHERE p.incident_id = i.id) AS s"
    )


def _citations(cursor) -> str:
    """A lateral subquery: the source_* cells computed from the citations, in their order."""
    separator = literal(ucdp.SOURCE_SEPARATOR, cursor)
    headline = f"CASE WHEN s.title = {literal(ucdp.NO_HEADLINE, cursor)} THEN '' ELSE s.title END"
    article = (
        "'\"' || s.publisher || ',' || COALESCE(" + date("s.published_at") + ", '') || ',' "
        "|| s.title || '\"'"
    )
    dates = f"COALESCE({date('s.published_at')}, '')"
    return (
        f"SELECT count(*) AS count, string_agg({article}, {separator}) AS article, "
        f"string_agg(s.publisher, {separator}) AS offices, "
        f"CASE WHEN bool_or(s.published_at IS NOT NULL) "
        f"THEN string_agg({dates}, {separator}) END AS dates, "
        f"string_agg({headline}, {separator}) AS headlines FROM ("
        f"SELECT s.* FROM {Citation._meta.db_table} AS c "
        f"JOIN {Source._meta.db_table} AS s ON s.id = c.source_id "
        "WHERE c.incident_id = i.id ORDER BY c.id) AS s"
    )


def select(ids_sql: str, cursor) -> str | None:
    """The ucdp cells of the incidents `ids_sql` selects, in its order; None when some
    incident holds what SQL cannot write exactly as the preset's Python does."""
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {Incident._meta.db_table} AS i "
        f"WHERE i.id IN ({ids_sql}) AND ({_unwritable(cursor)}))"
    )
    if cursor.fetchone()[0]:
        return None
    lookups = _lookups(ids_sql, cursor)
    if lookups is None:
        return None
    country_rows, area_rows, estimate_rows = lookups
    columns = ",\n  ".join(f'{sql} AS "{name}"' for name, sql in _columns(cursor))
    kept_country, kept_adm_1 = _kept("country"), _kept("adm_1")
    estimates = "\n".join(
        f"LEFT JOIN estimates AS e_{name} ON e_{name}.text = COALESCE({_kept(name)}, '')"
        for name in ucdp.ESTIMATES
    )
    return f"""
WITH estimates(text, count) AS (VALUES {estimate_rows})
SELECT
  {columns}
FROM unnest(ARRAY({ids_sql})) WITH ORDINALITY AS q(id, n)
JOIN {Incident._meta.db_table} AS i ON i.id = q.id
JOIN {Location._meta.db_table} AS l ON l.id = i.location_id
CROSS JOIN (SELECT {literal(_whitespace(), cursor)}::text AS chars) AS w
CROSS JOIN LATERAL (SELECT i.dataset = {literal(ucdp.DATASET, cursor)} AS ged) AS g
LEFT JOIN (VALUES {country_rows}) AS k(kept, code, cell)
  ON k.kept = COALESCE({kept_country}, '') AND k.code = l.country
LEFT JOIN (VALUES {area_rows}) AS r(kept, code, admin1, cell)
  ON r.kept = COALESCE({kept_adm_1}, '') AND r.code = l.country AND r.admin1 = l.admin1
{estimates}
LEFT JOIN LATERAL ({_participants(cursor)}) AS a ON true
LEFT JOIN LATERAL ({_citations(cursor)}) AS c ON true
ORDER BY q.n
"""
