"""Tessera's own layout: every field of an incident, readable, and re-importable without loss.

Each column is defined once, by a call that gives its Python writer, its SQL and its reader
(csvio.layouts.base.Column); the joins its SQL reads are declared beside it.
"""

from __future__ import annotations

import json
import re

from django.db.models import DateField

from core.models import field_of
from csvio.layouts.base import (
    ActorSpec,
    CellError,
    CitationSpec,
    Column,
    ImportedIncident,
    PlaceSpec,
    Preset,
    SourceSpec,
    exported,
    publisher_of,
    related,
)
from csvio.layouts.cells import (
    join_lines,
    read_count,
    read_date,
    read_datetime,
    read_float,
    split_lines,
)
from csvio.layouts.sql import LOCATION, CellQuery, Join, Lines
from csvio.sql_cells import (
    date,
    field_cell,
    json_object,
    json_object_differs,
    text,
    timestamp,
)
from geo.models import Location
from incidents import citation_formats
from incidents.models import Citation, Incident, IncidentActor, IncidentRelation, Source, Tag
from incidents.taxonomy import ActorRole, Attribution, RelationKind, Side

# Checked for every actor line of a file: Choices.values builds a new list each time.
ROLES = frozenset(ActorRole.values)
ATTRIBUTIONS = frozenset(Attribution.values)
# "Name (role, attribution)" or "Name (role, attribution, side A)"
ACTOR_LINE = re.compile(r"^(?P<name>.+) \((?P<role>[^,()]+), (?P<attribution>[^,()]+)"
                        r"(?:, side (?P<side>[AB]))?\)$")  # fmt: skip


# Stands for each row's public id in the permalink the SQL writes around it.
PUBLIC_ID_PLACEHOLDER = "PUBLIC-ID"


def permalink_sql(query: CellQuery) -> str:
    """citation_formats.permalink() in SQL: the same URL with the row's public id."""
    before, after = citation_formats.page_url(PUBLIC_ID_PLACEHOLDER).split(PUBLIC_ID_PLACEHOLDER)
    return text(f"{query.literal(before)} || i.public_id || {query.literal(after)}")


# -- what the columns' SQL reads beside the incident row ---------------------------------

ORIGIN = Join(
    "o", lambda q: f"LEFT JOIN {Location._meta.db_table} AS o ON o.id = i.origin_location_id"
)
DUPLICATE_OF = Join(
    "k", lambda q: f"LEFT JOIN {Incident._meta.db_table} AS k ON k.id = i.duplicate_of_id"
)
# OFFSET 0 keeps the JSON a column of its own, built once and not once per use in text().
DATASET_FIELDS = Join(
    "d",
    lambda q: f"CROSS JOIN LATERAL (SELECT {json_object('i.dataset_fields')} AS json OFFSET 0) "
    "AS d",
)
TAGS = Lines(
    "t",
    lambda q: f"{Incident.tags.through._meta.db_table} AS it "
    f"JOIN {Tag._meta.db_table} AS tg ON tg.id = it.tag_id WHERE it.incident_id = i.id",
    "tg.name",
)
ACTORS = Lines(
    "a",
    lambda q: f"{IncidentActor._meta.db_table} AS p "
    f"JOIN {IncidentActor._meta.get_field('actor').related_model._meta.db_table} AS ac "
    "ON ac.id = p.actor_id WHERE p.incident_id = i.id",
    "p.role, ac.name",  # IncidentActor.Meta.ordering within one incident
)
CITATIONS = Lines(
    "c",
    lambda q: f"{Citation._meta.db_table} AS c JOIN {Source._meta.db_table} AS s "
    "ON s.id = c.source_id WHERE c.incident_id = i.id",
    "c.id",
)


def _relation_rows(query: CellQuery) -> str:
    """An incident's relations to the incidents its reader may see (`links_sql`)."""
    linkable = f" AND rl.to_incident_id IN ({query.links_sql})" if query.links_sql else ""
    return (
        f"{IncidentRelation._meta.db_table} AS rl JOIN {Incident._meta.db_table} AS ti "
        f"ON ti.id = rl.to_incident_id WHERE rl.from_incident_id = i.id{linkable}"
    )


# In the order export.with_export_columns asks for.
RELATIONS = Lines("rel", _relation_rows, "rl.kind, ti.public_id")

# -- the columns ----------------------------------------------------------------------------


def _field(name: str, read=None) -> Column:
    """A column holding one Incident field, written as is and read with `read`."""
    model_field = field_of(Incident, name)

    def set_field(imported: ImportedIncident, text: str) -> None:
        imported.fields[name] = read(text) if read else text

    return Column(
        name,
        lambda incident: getattr(incident, name),
        set_field,
        field=name,
        sql=lambda q: field_cell(model_field, f"i.{model_field.column}"),
    )


def _place(imported: ImportedIncident, attribute: str) -> PlaceSpec:
    spec = getattr(imported, attribute)
    if spec is None:
        spec = PlaceSpec(name="", latitude=0.0, longitude=0.0)
        setattr(imported, attribute, spec)
    return spec


PLACES = {"location": LOCATION, "origin_location": ORIGIN}


def _place_column(name: str, attribute: str, part: str, read=str) -> Column:
    """A column holding one field (`part`) of the incident's place or point of origin."""
    model_field = field_of(Location, part)

    def value(incident: Incident):
        place = getattr(incident, attribute)
        return getattr(place, part) if place else None

    def set_part(imported: ImportedIncident, text: str) -> None:
        if attribute == "origin_location" and not text and imported.origin_location is None:
            return  # no point of origin
        setattr(_place(imported, attribute), part, read(text))

    return Column(
        name,
        value,
        set_part,
        field=attribute,
        sql=lambda q: field_cell(model_field, f"{q.join(PLACES[attribute])}.{part}"),
    )


def _read_actors(imported: ImportedIncident, text: str) -> None:
    for line in split_lines(text):
        match = ACTOR_LINE.match(line)
        if not match:
            raise CellError(f"“{line}” is not “name (role, attribution)”.")
        role, attribution = match["role"], match["attribution"]
        if role not in ROLES:
            raise CellError(f"“{role}” is not a role: {', '.join(ActorRole.values)}.")
        if attribution not in ATTRIBUTIONS:
            raise CellError(
                f"“{attribution}” is not an attribution: {', '.join(Attribution.values)}."
            )
        imported.actors.append(
            ActorSpec(match["name"], role, attribution, side=match["side"] or "")
        )


def _read_actor_types(imported: ImportedIncident, text: str) -> None:
    """ACLED inter codes, one per line of `actors`, used when an actor must be created."""
    for index, code in enumerate(split_lines(text)):
        if index < len(imported.actors) and code:
            imported.actors[index].actor_type = read_count(code)


def _actor_line(row) -> str:
    side = f", side {row.side}" if row.side in Side.values else ""
    return f"{row.actor.name} ({row.role}, {row.attribution}{side})"


def _citation_column(name: str, part: str, read=str, *, export=None, sql: str = "") -> Column:
    """One aspect (`part`: "quote", "source.title") of every citation, one line per citation,
    lines aligned across columns; `export` and `sql` (over the citation `c` and its source
    `s`) when the cell is not the field as it is."""
    on_source = part.startswith("source.")
    attribute = part.removeprefix("source.")

    written = export or (lambda c: getattr(c.source if on_source else c, attribute))

    if not sql:
        model_field = field_of(Source if on_source else Citation, attribute)
        expr = f"{'s' if on_source else 'c'}.{model_field.column}"
        sql = date(expr) if isinstance(model_field, DateField) else expr

    def set_part(imported: ImportedIncident, text: str) -> None:
        for index, value in enumerate(split_lines(text)):
            while len(imported.citations) <= index:
                imported.citations.append(CitationSpec(SourceSpec("", ""), quote=""))
            citation = imported.citations[index]
            setattr(citation.source if on_source else citation, attribute, read(value))

    return Column(
        name,
        lambda i: join_lines(written(c) for c in related(i, "citations")),
        set_part,
        sql=lambda q: text(q.lines(CITATIONS, name, sql)),
    )


def _read_supports(value: str) -> list[str]:
    return [claim.strip() for claim in value.split(",") if claim.strip()]


def _read_json(text: str) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as error:
        raise CellError("Not a JSON object.") from error
    if not isinstance(value, dict):
        raise CellError("Not a JSON object.")
    if _holds_nul(value):
        raise CellError("Holds a NUL character (\\u0000), which no database stores in text.")
    return value


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _public_id(text: str) -> str:
    if text and not re.fullmatch(r"[A-Z]{3}-\d{4}-\d{5,}", text):
        raise CellError(f"“{text}” is not a public id like SYR-2022-00001.")
    return text


def _set_public_id(imported: ImportedIncident, text: str) -> None:
    imported.public_id = _public_id(text)


def _set_duplicate_of(imported: ImportedIncident, text: str) -> None:
    imported.duplicate_of = _public_id(text.upper())


def _readable_relations(incident: Incident) -> list:
    """The relations exports.with_export_columns fetched for the reader: never all of them,
    which could name drafts (a caller that forgot `links_to` fails here, and leaks nothing)."""
    try:
        return list(getattr(incident, exported("relations_from")))
    except AttributeError as error:
        raise LookupError("Relations are exported only as fetched for the reader.") from error


def _relation_line(relation) -> str:
    return f"{relation.kind} {relation.to_incident.public_id}"


def _read_relations(imported: ImportedIncident, text: str) -> None:
    """Lines of "<kind> <public id>", e.g. "response to SYR-2022-00001"."""
    for line in filter(None, (line.strip() for line in split_lines(text))):
        kind, _, public_id = line.rpartition(" ")
        if kind not in RelationKind.values:
            raise CellError(
                f"“{line}” is not a relation like “response to SYR-2022-00001” "
                f"(kinds: {', '.join(RelationKind.values)})."
            )
        imported.relations.append((kind, _public_id(public_id.upper())))


def _set_dataset_fields(imported: ImportedIncident, text: str) -> None:
    imported.dataset_fields = _read_json(text)


def _set_tags(imported: ImportedIncident, text: str) -> None:
    imported.tags = split_lines(text)


def _timestamp_column(name: str) -> Column:
    """When the record was created or last changed; a restore keeps the file's."""

    def set_timestamp(imported: ImportedIncident, text: str) -> None:
        value = read_datetime(text)
        if value is not None:
            imported.timestamps[name] = value

    return Column(
        name, lambda i: getattr(i, name), set_timestamp, sql=lambda q: timestamp(f"i.{name}")
    )


def _lines_column(name: str, source: Lines, value: str, export, read) -> Column:
    """One value per related row (`value`, SQL over `source`'s rows), one per line."""
    return Column(name, export, read, sql=lambda q: text(q.lines(source, name, value)))


SIDE_SQL = "CASE WHEN p.side IN ('A', 'B') THEN ', side ' || p.side ELSE '' END"
# ", ".join(citation.supports): the claims a citation supports.
SUPPORTS_SQL = (
    "CASE WHEN jsonb_typeof(c.supports) = 'array' THEN array_to_string(ARRAY("
    "SELECT jsonb_array_elements_text(c.supports)), ', ') ELSE '' END"
)


COLUMNS = [
    Column(
        "public_id",
        lambda i: i.public_id,
        _set_public_id,
        sql=lambda q: text("i.public_id"),
        ids=True,
    ),
    Column("permalink", citation_formats.permalink, sql=permalink_sql),
    _field("title"),
    _field("summary"),
    _field("date_start", read_date),
    _field("date_end", lambda text: read_date(text, required=False)),
    _field("date_precision"),
    _field("event_type"),
    _field("sub_event_type"),
    _field("violence_type", read_count),
    _field("weapon"),
    _field("munition_count", read_count),
    _field("outcome"),
    _field("damage"),
    _place_column("location", "location", "name"),
    _place_column("location_kind", "location", "kind"),
    _place_column("latitude", "location", "latitude", lambda text: read_float(text, "latitude")),
    _place_column("longitude", "location", "longitude", lambda text: read_float(text, "longitude")),
    _place_column("country", "location", "country"),
    _place_column("admin1", "location", "admin1"),
    _place_column("admin2", "location", "admin2"),
    _field("geo_precision", read_count),
    _place_column("origin_location", "origin_location", "name"),
    _place_column(
        "origin_latitude",
        "origin_location",
        "latitude",
        lambda text: read_float(text, "latitude"),
    ),
    _place_column(
        "origin_longitude",
        "origin_location",
        "longitude",
        lambda text: read_float(text, "longitude"),
    ),
    _place_column("origin_country", "origin_location", "country"),
    _place_column("origin_kind", "origin_location", "kind"),
    _place_column("origin_admin1", "origin_location", "admin1"),
    _place_column("origin_admin2", "origin_location", "admin2"),
    _field("fatalities_low", read_count),
    _field("fatalities_best", read_count),
    _field("fatalities_high", read_count),
    _field("injured", read_count),
    _field("confidence"),
    _field("status"),
    _field("retraction_reason"),
    # Merges and relations name other records by public id; files from before they were
    # columns lack them.
    Column(
        "duplicate_of",
        lambda i: i.duplicate_of.public_id if i.duplicate_of else "",
        _set_duplicate_of,
        optional=True,
        sql=lambda q: text(f"{q.join(DUPLICATE_OF)}.public_id"),
        ids=True,
    ),
    Column(
        "relations",
        lambda i: join_lines(_relation_line(r) for r in _readable_relations(i)),
        _read_relations,
        optional=True,
        sql=lambda q: text(q.lines(RELATIONS, "relations", "rl.kind || ' ' || ti.public_id")),
        links=True,
        ids=True,
    ),
    _lines_column(
        "tags",
        TAGS,
        "tg.name",
        lambda i: join_lines(tag.name for tag in related(i, "tags")),
        _set_tags,
    ),
    _lines_column(
        "actors",
        ACTORS,
        f"ac.name || ' (' || p.role || ', ' || p.attribution || {SIDE_SQL} || ')'",
        lambda i: join_lines(_actor_line(row) for row in related(i, "participants")),
        _read_actors,
    ),
    _lines_column(
        "actor_types",
        ACTORS,
        "ac.actor_type",
        lambda i: join_lines(row.actor.actor_type for row in related(i, "participants")),
        _read_actor_types,
    ),
    _citation_column(
        "source_publishers", "source.publisher", export=lambda c: publisher_of(c.source)
    ),
    _citation_column("source_titles", "source.title"),
    _citation_column("source_urls", "source.url"),
    _citation_column(
        "source_dates", "source.published_at", lambda text: read_date(text, required=False)
    ),
    _citation_column("source_types", "source.source_type"),
    _citation_column("quotes", "quote"),
    _citation_column("locators", "locator"),
    _citation_column(
        "supports",
        "supports",
        _read_supports,
        export=lambda c: ", ".join(c.supports or []),
        sql=SUPPORTS_SQL,
    ),
    _citation_column("stances", "stance"),
    _field("dataset"),
    _field("dataset_event_id"),
    Column(
        "dataset_fields",
        lambda i: json.dumps(i.dataset_fields, ensure_ascii=False, sort_keys=True)
        if i.dataset_fields
        else "",
        _set_dataset_fields,
        sql=lambda q: text(f"{q.join(DATASET_FIELDS)}.json"),
        sql_unwritable=lambda q: json_object_differs("i.dataset_fields"),
    ),
    _timestamp_column("created_at"),
    _timestamp_column("updated_at"),
]

NATIVE = Preset(
    name="native",
    label="Tessera native",
    description="Every field of each incident, its actors and its cited sources; "
    "re-importable without loss.",
    columns=COLUMNS,
    dataset="",
)
