"""Matching what rows name with stored records: the incident a row updates, and the actors,
places, sources and tags it refers to, created in bulk when missing (unless the editor turned
that off).

An actor is matched by name, a place by name and coordinates (to about a metre: the same place
written by two exports), a source by its normalised URL, else by publisher (by its name or an
alias), title and date (source_key).
"""

from __future__ import annotations

import operator
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Q, QuerySet

from core import bulk_writes
from core.history_writes import BulkHistory
from csvio.imports.report import ImportReport, Problem
from csvio.imports.row import ImportRow
from csvio.imports.validate import ModelRules
from csvio.layouts.base import (
    ActorSpec,
    ImportedIncident,
    PlaceSpec,
    Preset,
    SourceSpec,
    publisher_of,
)
from geo.models import Location
from incidents.models import Actor, Incident, Publisher, Source, Tag
from incidents.source_urls import normalised_url
from incidents.taxonomy import ActorType

# Actors, places and sources kept between batches, before they are forgotten (and fetched
# again when a later row names them).
REMEMBERED_RECORDS = 20_000
# Fields an import never takes from a file.
NOT_IMPORTED = {"id", "public_id", "created_at", "updated_at", "created_by", "updated_by"}
# Fields a file cannot change: bookkeeping, and what other modules derive.
NOT_COMPARED = {"updated_at", "updated_by", "version", "search_document", "search_vector"}
# The fields (by attname) an import compares with the stored record.
COMPARED = tuple(f.attname for f in Incident._meta.concrete_fields if f.name not in NOT_COMPARED)
_stored_values = operator.attrgetter(*COMPARED)


class References:
    """The actors, places, sources and tags a file names, found or created batch by batch."""

    def __init__(
        self, report: ImportReport, *, preset: Preset, create_missing: bool, history: BulkHistory
    ) -> None:
        self.report, self.preset = report, preset
        self.create_missing, self.history = create_missing, history
        # Actors, places and sources by their matching key (key_of), once found or created.
        self.known: dict[str, dict] = {"place": {}, "actor": {}, "source": {}}
        # (kind, key) → why that record could not be created
        self.refused: dict[tuple[str, Any], str] = {}
        self.tags: dict[str, Tag] = {}
        self.rules: dict[type[Model], ModelRules] = {}

    def prepare(self, rows: list[ImportedIncident]) -> None:
        """Find what a batch names, in a query per kind, and create what is missing."""
        if sum(map(len, self.known.values())) > REMEMBERED_RECORDS:
            for records in self.known.values():
                records.clear()
        self._load(rows)
        for kind, build in (("place", _new_place), ("actor", _new_actor), ("source", _new_source)):
            missing: dict[Any, Any] = {}
            for row in rows:
                for _, spec_kind, specs in _references(row):
                    if spec_kind != kind:
                        continue
                    for spec in specs:
                        if key_of(kind, spec) not in self.known[kind]:
                            missing.setdefault(key_of(kind, spec), spec)
            if missing:
                self._create(kind, {key: build(spec) for key, spec in missing.items()})

    def problems(self, imported: ImportedIncident) -> list[Problem]:
        """The actors, places and sources a row names that could not be created."""
        problems = []
        for field_name, kind, specs in _references(imported):
            for spec in specs:
                error = self.refused.get((kind, key_of(kind, spec)))
                if error:
                    column = self.preset.column_of_field(field_name)
                    problems.append(Problem(imported.row, column, error))
        return problems

    def place(self, spec: PlaceSpec) -> Location:
        return self.known["place"][key_of("place", spec)]

    def actor(self, spec: ActorSpec) -> Actor:
        return self.known["actor"][spec.name]

    def source(self, spec: SourceSpec) -> Source:
        return self.known["source"][key_of("source", spec)]

    def tag(self, name: str) -> Tag:
        if name not in self.tags:
            stored_name = name[: Tag._meta.get_field("name").max_length]
            self.tags[name], _ = Tag.objects.get_or_create(name=stored_name)
        return self.tags[name]

    def actors_by_id(self) -> dict[int, Actor]:
        return {actor.pk: actor for actor in self.known["actor"].values()}

    def sources_by_id(self) -> dict[int, Source]:
        return {source.pk: source for source in self.known["source"].values()}

    def _load(self, rows: list[ImportedIncident]) -> None:
        places = [spec for row in rows for spec in (row.location, row.origin_location) if spec]
        for place in Location.objects.filter(
            bulk_writes.among("name", {spec.name for spec in places})
        ):
            self.known["place"].setdefault(key_of("place", place), place)
        names = {spec.name for row in rows for spec in row.actors} - set(self.known["actor"])
        for actor in Actor.objects.filter(bulk_writes.among("name", names)):
            self.known["actor"][actor.name] = actor
        specs = [citation.source for row in rows for citation in row.citations]
        self._name_publishers(specs)
        for source in matching_sources(specs):
            self.known["source"].setdefault(key_of("source", source), source)

    def _name_publishers(self, specs: list[SourceSpec]) -> None:
        """Each spec's publisher by its record's name (an alias names it too); a publisher
        no record names is created with the sources, when creating records is allowed."""
        named = {spec.publisher for spec in specs}
        known: dict[str, str] = {}
        for publisher in Publisher.objects.named(*named):
            for name in (publisher.name, *publisher.alias_list):
                known[name.casefold()] = publisher.name
        for spec in specs:
            spec.publisher = known.get(spec.publisher.strip().casefold(), spec.publisher)
        longest = Publisher._meta.get_field("name").max_length or 0
        new = {spec.publisher for spec in specs if 0 < len(spec.publisher) <= longest}
        new -= set(known.values())
        if new and self.create_missing:
            Publisher.objects.bulk_create([Publisher(name=name) for name in new])

    def _create(self, kind: str, records: dict) -> None:
        if not self.create_missing:
            for key, record in records.items():
                self.refused[(kind, key)] = (
                    f"No {kind} “{_label(record)}” exists, and creating records is turned off."
                )
            return
        model = type(next(iter(records.values())))
        rules = self.rules.setdefault(model, ModelRules(model))
        valid = {}
        for key, record in records.items():
            errors = rules.errors(record)
            if errors:  # reported whole, as full_clean() would
                errors = rules.add_constraint_errors(record, errors)
            error = _invalid(record, kind, errors)
            if error:
                self.refused[(kind, key)] = error
            else:
                valid[key] = record
        try:
            with transaction.atomic():
                bulk_writes.insert(list(valid.values()))
        except IntegrityError:
            # A database rule refused one of them: find which, create the others.
            for key, record in list(valid.items()):
                error = _invalid(record, kind, _full_clean_errors(record))
                if error:
                    self.refused[(kind, key)] = error
                    del valid[key]
            for record in valid.values():
                record.pk = None  # its id went with the savepoint
            bulk_writes.insert(list(valid.values()))
        self.history.created(model, [record.pk for record in valid.values()])
        self.known[kind].update(valid)
        created = {"place": self.report.created_places, "actor": self.report.created_actors}
        created.get(kind, self.report.created_sources).extend(
            _label(record) for record in valid.values()
        )


def stored_incidents(rows: list[ImportedIncident], dataset: str) -> dict[str, Incident]:
    """The stored records rows name: by public id, else by the dataset's event id
    ("event:<id>"), locked until the import ends, so that the version each update raises is
    the version it read."""
    public_ids = [row.public_id for row in rows if row.public_id]
    event_ids = [row.event_id for row in rows if row.event_id and not row.public_id]
    incidents = Incident.objects.select_for_update().defer("search_document", "search_vector")
    found = {
        incident.public_id: incident
        for incident in incidents.filter(bulk_writes.among("public_id", public_ids))
    }
    found.update(
        (f"event:{incident.dataset_event_id}", incident)
        for incident in incidents.filter(
            bulk_writes.among("dataset_event_id", event_ids), dataset=dataset
        )
    )
    # A row may name one of the dataset's events by the public id Tessera gave it.
    for incident in incidents.filter(bulk_writes.among("public_id", event_ids), dataset=dataset):
        found.setdefault(f"event:{incident.public_id}", incident)
    return found


def matched_row(
    imported: ImportedIncident,
    stored: dict[str, Incident],
    *,
    preset: Preset,
    references: References,
    user,
) -> ImportRow:
    """The row's record (stored, or new) with the file's values set on it."""
    key = imported.public_id or f"event:{imported.event_id}"
    incident = stored.get(key) if (imported.public_id or imported.event_id) else None
    if incident is None:
        incident = Incident(public_id=imported.public_id, created_by=user)
    # A new record is written whole: only a stored one is compared with the file.
    before = dict(zip(COMPARED, _stored_values(incident), strict=True)) if incident.pk else {}
    row = ImportRow(
        imported=imported,
        incident=incident,
        new=incident.pk is None,
        stored_version=incident.version,
        stored_status=before.get("status"),
        # A merge the file records is written after the row (see links).
        stored_duplicate_of=before.get("duplicate_of_id"),
        stored_dates={"created_at": incident.created_at, "updated_at": incident.updated_at},
    )
    for name, value in imported.fields.items():
        if name in NOT_IMPORTED:
            continue
        if name == "status" and incident.pk and preset.dataset:
            continue  # re-importing a dataset never publishes or un-retracts a record
        setattr(incident, name, value)
    if not imported.public_id and incident.public_id != imported.event_id:
        incident.dataset = preset.dataset
        incident.dataset_event_id = imported.event_id
    incident.dataset_fields = imported.dataset_fields
    # A row without a place is reported ("A place is required."), never written.
    incident.location = references.place(imported.location) if imported.location else None  # type: ignore[assignment]
    incident.origin_location = (
        references.place(imported.origin_location) if imported.origin_location else None
    )
    if not incident.date_end:
        incident.date_end = incident.date_start
    if incident.pk:
        # Only what the file changed is written back.
        row.changed_fields = {
            name
            for name, value in zip(COMPARED, _stored_values(incident), strict=True)
            if value != before[name]
        }
    row.changed = row.new or bool(row.changed_fields)
    return row


def _references(row: ImportedIncident) -> list[tuple[str, str, list]]:
    """(field the problem is reported on, kind of record, specs) for everything a row names."""
    return [
        ("location", "place", [row.location] if row.location else []),
        ("origin_location", "place", [row.origin_location] if row.origin_location else []),
        ("actors", "actor", row.actors),
        ("sources", "source", [citation.source for citation in row.citations]),
    ]


def key_of(kind: str, record) -> Any:
    """What two descriptions of the same actor, place or source have in common."""
    if kind == "actor":
        return record.name
    if kind == "place":
        # Coordinates to about a metre: the same place written by two exports.
        return (record.name, round(record.latitude, 5), round(record.longitude, 5))
    return source_key(record)


def source_key(source: Source | SourceSpec) -> tuple:
    """What a stored source and a file's description of it have in common: the URL as
    normalised_url spells it (scheme and host in any case, a trailing slash, utm_*
    parameters), else the publisher (by name; aliases are named by _name_publishers
    first), title and date.

    Source matching lives here and in matching_sources, and only here.
    """
    url = source.url_key if isinstance(source, Source) else normalised_url(source.url)
    if url:
        return (url,)
    return (publisher_of(source), source.title, source.published_at)


def matching_sources(specs: list[SourceSpec]) -> QuerySet[Source]:
    """The stored sources that sources described in a file may be (see source_key), in the
    order they were created: the first of two with one key is the one matched."""
    urls = {normalised_url(spec.url) for spec in specs if spec.url}
    titles = {spec.title for spec in specs if not spec.url}
    return Source.objects.filter(
        bulk_writes.among("url_key", urls) | Q(bulk_writes.among("title", titles), url="")
    ).order_by("id")


def _new_place(spec: PlaceSpec) -> Location:
    return Location(
        name=spec.name,
        latitude=spec.latitude,
        longitude=spec.longitude,
        country=spec.country,
        admin1=spec.admin1,
        admin2=spec.admin2,
        kind=spec.kind,
    )


def _new_actor(spec: ActorSpec) -> Actor:
    return Actor(name=spec.name, actor_type=spec.actor_type or ActorType.EXTERNAL_FORCES)


def _new_source(spec: SourceSpec) -> Source:
    return Source(
        title=spec.title,
        publisher_id=spec.publisher,
        url=spec.url,
        url_key=normalised_url(spec.url),
        published_at=spec.published_at,
        source_type=spec.source_type,
    )


def _label(record) -> str:
    return f"{record.publisher_id}: {record.title}" if isinstance(record, Source) else record.name


def _full_clean_errors(record: Model) -> dict[str, list[str]]:
    try:
        record.full_clean(validate_unique=False)
    except ValidationError as error:
        return error.message_dict
    return {}


def _invalid(record, what: str, errors: dict[str, list[str]]) -> str:
    """Why `record` cannot be created, or "" when it can."""
    if not errors:
        return ""
    details = "; ".join(
        f"{name}: {message}" if name != NON_FIELD_ERRORS else message
        for name, messages in errors.items()
        for message in messages
    )
    return f"Cannot create the {what} “{_label(record)}”: {details}"
