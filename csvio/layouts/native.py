"""Tessera's own layout: every field of an incident, readable, and re-importable without loss."""

from __future__ import annotations

import json
import re

from django.conf import settings

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
from incidents.models import Incident
from incidents.taxonomy import ActorRole, Attribution, RelationKind, Side

# Checked for every actor line of a file: Choices.values builds a new list each time.
ROLES = frozenset(ActorRole.values)
ATTRIBUTIONS = frozenset(Attribution.values)
# "Name (role, attribution)" or "Name (role, attribution, side A)"
ACTOR_LINE = re.compile(r"^(?P<name>.+) \((?P<role>[^,()]+), (?P<attribution>[^,()]+)"
                        r"(?:, side (?P<side>[AB]))?\)$")  # fmt: skip


def permalink(incident: Incident) -> str:
    return f"{settings.TESSERA_BASE_URL}/incidents/{incident.public_id}/"


def _field(name: str, read=None, *, export=None, column: str | None = None) -> Column:
    """A column holding one Incident field, written as is and read with `read`."""

    def set_field(imported: ImportedIncident, text: str) -> None:
        imported.fields[name] = read(text) if read else text

    return Column(
        column or name,
        export or (lambda incident: getattr(incident, name)),
        set_field,
        field=name,
    )


def _place(imported: ImportedIncident, attribute: str) -> PlaceSpec:
    spec = getattr(imported, attribute)
    if spec is None:
        spec = PlaceSpec(name="", latitude=0.0, longitude=0.0)
        setattr(imported, attribute, spec)
    return spec


def _place_column(name: str, attribute: str, part: str, export, read=str) -> Column:
    def set_part(imported: ImportedIncident, text: str) -> None:
        if attribute == "origin_location" and not text and imported.origin_location is None:
            return  # no point of origin
        setattr(_place(imported, attribute), part, read(text))

    return Column(name, export, set_part, field=attribute)


def _origin(incident: Incident, part: str):
    place = incident.origin_location
    return getattr(place, part) if place else None


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


def _citation_column(name: str, export, part: str, read=str) -> Column:
    """One aspect of every citation, one line per citation, lines aligned across columns."""

    def set_part(imported: ImportedIncident, text: str) -> None:
        for index, value in enumerate(split_lines(text)):
            while len(imported.citations) <= index:
                imported.citations.append(CitationSpec(SourceSpec("", ""), quote=""))
            citation = imported.citations[index]
            target = citation.source if part.startswith("source.") else citation
            setattr(target, part.removeprefix("source."), read(value))

    return Column(name, lambda i: join_lines(export(c) for c in related(i, "citations")), set_part)


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


def _set_timestamp(name: str):
    def set_timestamp(imported: ImportedIncident, text: str) -> None:
        value = read_datetime(text)
        if value is not None:
            imported.timestamps[name] = value

    return set_timestamp


COLUMNS = [
    Column("public_id", lambda i: i.public_id, _set_public_id),
    Column("permalink", permalink),
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
    _place_column("location", "location", "name", lambda i: i.location.name),
    _place_column("location_kind", "location", "kind", lambda i: i.location.kind),
    _place_column(
        "latitude",
        "location",
        "latitude",
        lambda i: i.location.latitude,
        lambda text: read_float(text, "latitude"),
    ),
    _place_column(
        "longitude",
        "location",
        "longitude",
        lambda i: i.location.longitude,
        lambda text: read_float(text, "longitude"),
    ),
    _place_column("country", "location", "country", lambda i: i.location.country),
    _place_column("admin1", "location", "admin1", lambda i: i.location.admin1),
    _place_column("admin2", "location", "admin2", lambda i: i.location.admin2),
    _field("geo_precision", read_count),
    _place_column("origin_location", "origin_location", "name", lambda i: _origin(i, "name")),
    _place_column(
        "origin_latitude",
        "origin_location",
        "latitude",
        lambda i: _origin(i, "latitude"),
        lambda text: read_float(text, "latitude"),
    ),
    _place_column(
        "origin_longitude",
        "origin_location",
        "longitude",
        lambda i: _origin(i, "longitude"),
        lambda text: read_float(text, "longitude"),
    ),
    _place_column("origin_country", "origin_location", "country", lambda i: _origin(i, "country")),
    _place_column("origin_kind", "origin_location", "kind", lambda i: _origin(i, "kind")),
    _place_column("origin_admin1", "origin_location", "admin1", lambda i: _origin(i, "admin1")),
    _place_column("origin_admin2", "origin_location", "admin2", lambda i: _origin(i, "admin2")),
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
        lambda i: i.duplicate_of.public_id if i.duplicate_of_id else "",
        _set_duplicate_of,
        optional=True,
    ),
    Column(
        "relations",
        lambda i: join_lines(_relation_line(r) for r in _readable_relations(i)),
        _read_relations,
        optional=True,
    ),
    Column("tags", lambda i: join_lines(tag.name for tag in related(i, "tags")), _set_tags),
    Column(
        "actors",
        lambda i: join_lines(_actor_line(row) for row in related(i, "participants")),
        _read_actors,
    ),
    Column(
        "actor_types",
        lambda i: join_lines(row.actor.actor_type for row in related(i, "participants")),
        _read_actor_types,
    ),
    _citation_column("source_publishers", lambda c: c.source.publisher, "source.publisher"),
    _citation_column("source_titles", lambda c: c.source.title, "source.title"),
    _citation_column("source_urls", lambda c: c.source.url, "source.url"),
    _citation_column(
        "source_dates",
        lambda c: c.source.published_at,
        "source.published_at",
        lambda text: read_date(text, required=False),
    ),
    _citation_column("source_types", lambda c: c.source.source_type, "source.source_type"),
    _citation_column("quotes", lambda c: c.quote, "quote"),
    _citation_column("locators", lambda c: c.locator, "locator"),
    _citation_column("supports", lambda c: ", ".join(c.supports or []), "supports", _read_supports),
    _citation_column("stances", lambda c: c.stance, "stance"),
    _field("dataset"),
    _field("dataset_event_id"),
    Column(
        "dataset_fields",
        lambda i: json.dumps(i.dataset_fields, ensure_ascii=False, sort_keys=True)
        if i.dataset_fields
        else "",
        _set_dataset_fields,
    ),
    Column("created_at", lambda i: i.created_at, _set_timestamp("created_at")),
    Column("updated_at", lambda i: i.updated_at, _set_timestamp("updated_at")),
]

NATIVE = Preset(
    name="native",
    description="Every field of each incident, its actors and its cited sources; "
    "re-importable without loss.",
    columns=COLUMNS,
    dataset="",
)
