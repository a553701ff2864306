"""Importing incidents from a CSV file in one of the presets' layouts.

Every row is read by the preset's columns and validated by the model's own rules; the report
lists each problem with its row number and column. By default nothing is written when any
row fails (the whole import is one transaction, rolled back); `skip_bad_rows` writes the
good rows only, and `dry_run` writes nothing but reports what would happen. Actors, places
and sources are matched by name, coordinates and URL, and created when missing unless
`create_missing` is off. Re-importing a file updates the incidents it created, matched by the
dataset's own event id. Rows are handled in batches with bulk writes, so memory stays flat.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from geo.models import Location
from incidents.exports import FORMULA_PREFIXES
from incidents.models import (
    Actor,
    Citation,
    Incident,
    IncidentActor,
    PublicIdCounter,
    Source,
    Tag,
)
from incidents.presets.base import (
    ActorSpec,
    CellError,
    ImportedIncident,
    PlaceSpec,
    Preset,
    SourceSpec,
)
from incidents.search import refresh_search_documents, refreshes_deferred
from incidents.taxonomy import ActorType

BATCH_SIZE = 1000
PUBLIC_ID = re.compile(r"^([A-Z]{3}-\d{4})-(\d+)$")
# Fields an import never takes from a file.
NOT_IMPORTED = {"id", "public_id", "created_at", "updated_at", "created_by", "updated_by"}


@dataclass(frozen=True)
class Problem:
    row: int  # the line number in the file; the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportReport:
    preset: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    written: bool = False
    problems: list[Problem] = field(default_factory=list)
    created_actors: list[str] = field(default_factory=list)
    created_places: list[str] = field(default_factory=list)
    created_sources: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.dry_run:
            outcome = "Dry run: nothing was written."
        elif self.written:
            outcome = "Written."
        else:
            outcome = "Nothing was written: fix the rows below, or skip bad rows."
        return (
            f"{self.rows} rows read: {self.created} new incidents, {self.updated} updated, "
            f"{self.skipped} rows skipped, {len(self.problems)} problems. {outcome}"
        )

    def lines(self) -> list[str]:
        out = [self.summary()]
        out += [f"  {problem}" for problem in self.problems]
        for what, names in (
            ("actors", self.created_actors),
            ("places", self.created_places),
            ("sources", self.created_sources),
        ):
            if names:
                verb = "would be created" if not self.written else "created"
                out.append(f"New {what} ({verb}): " + "; ".join(names))
        return out


class _Rollback(Exception):
    """Leaves the import's transaction without writing anything."""


def import_incidents(
    file: TextIO,
    preset: Preset,
    *,
    dry_run: bool = False,
    create_missing: bool = True,
    skip_bad_rows: bool = False,
    user=None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    report = ImportReport(preset=preset.name, dry_run=dry_run)
    reader = csv.DictReader(file)
    missing = [
        column.name
        for column in preset.columns
        if not column.optional and column.name not in (reader.fieldnames or [])
    ]
    if missing:
        report.problems.append(
            Problem(1, ", ".join(missing), "Missing from the header of this file.")
        )
        return report

    importer = _Importer(preset, report, create_missing=create_missing, user=user)
    try:
        with transaction.atomic(), refreshes_deferred():
            for batch in _batches(enumerate(reader, start=2), BATCH_SIZE):
                importer.import_batch(batch)
                if progress:
                    progress(report.rows)
            importer.finish()
            failed = report.problems and not skip_bad_rows
            if dry_run or failed:
                raise _Rollback
            report.written = True
    except _Rollback:
        report.written = False
    return report


def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def read_row(preset: Preset, row: dict[str, str], number: int) -> tuple[ImportedIncident, list]:
    imported = ImportedIncident(row=number)
    problems = []
    for column in preset.columns:
        # Spaces only: a cell of several lines may begin with an empty line (an empty value).
        text = _unprotected((row.get(column.name) or "").strip(" \t"))
        try:
            column.read(imported, text)
        except (CellError, ValidationError, ValueError) as error:
            message = "; ".join(getattr(error, "messages", None) or [str(error)])
            problems.append(Problem(number, column.name, message))
    return imported, problems


def _unprotected(text: str) -> str:
    """A cell as it was before the export's formula protection (a leading ')."""
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


class _Importer:
    def __init__(self, preset: Preset, report: ImportReport, *, create_missing: bool, user):
        self.preset, self.report = preset, report
        self.create_missing, self.user = create_missing, user
        # Actors, places and sources by their matching key (_key), once found or created.
        self.known: dict[str, dict] = {"place": {}, "actor": {}, "source": {}}
        # (kind, key) → why that record could not be created
        self.refused: dict[tuple[str, Any], str] = {}
        self.tags: dict[str, Tag] = {}
        self.first_row_of: dict[str, int] = {}  # id → the file row that first had it
        self.highest_public_ids: dict[str, int] = {}

    # -- one batch of rows ---------------------------------------------------------------

    def import_batch(self, batch: list[tuple[int, dict[str, str]]]) -> None:
        read = []
        for number, row in batch:
            self.report.rows += 1
            imported, problems = read_row(self.preset, row, number)
            if problems:
                self.report.problems += problems
                self.report.skipped += 1
            else:
                read.append((number, imported))
        read = self._without_repeats(read)
        self._load_known([imported for _, imported in read])
        self._create_missing([imported for _, imported in read])
        rows = []
        for number, imported in read:
            # Only a row that reads cleanly may create actors, places and sources.
            problems = self._resolve(imported, number)
            if problems:
                self.report.problems += problems
                self.report.skipped += 1
            else:
                rows.append((number, imported))
        existing = self._existing_incidents([imported for _, imported in rows])
        valid = []
        for number, imported in rows:
            incident = self._build(imported, existing)
            problems = self._validate(incident, number) + self._citation_problems(imported)
            if problems:
                self.report.problems += problems
                self.report.skipped += 1
            else:
                valid.append((incident, imported))
        self._save(valid)

    def _without_repeats(self, rows: list[tuple[int, ImportedIncident]]) -> list:
        """A row whose id an earlier row of the file had is a problem, not an update."""
        kept = []
        for number, imported in rows:
            key = imported.public_id or imported.event_id
            if key and key in self.first_row_of:
                message = f"Row {self.first_row_of[key]} already has the id “{key}”."
                self.report.problems.append(Problem(number, self.preset.columns[0].name, message))
                self.report.skipped += 1
                continue
            if key:
                self.first_row_of[key] = number
            kept.append((number, imported))
        return kept

    def finish(self) -> None:
        # Imported public ids must never be handed out again.
        for prefix, number in self.highest_public_ids.items():
            PublicIdCounter.reserve_up_to(prefix, number)

    # -- matching actors, places, sources ------------------------------------------------

    def _resolve(self, imported: ImportedIncident, number: int) -> list[Problem]:
        """Problems with the row's actors, places and sources (created by _create_missing)."""
        problems = []
        for field_name, kind, specs in _references(imported):
            for spec in specs:
                error = self.refused.get((kind, _key(kind, spec)))
                if error:
                    problems.append(Problem(number, self.preset.column_of_field(field_name), error))
        return problems

    def _load_known(self, rows: list[ImportedIncident]) -> None:
        """Fetch the batch's existing actors, places and sources in three queries."""
        places = [spec for row in rows for spec in (row.location, row.origin_location) if spec]
        for place in Location.objects.filter(name__in={spec.name for spec in places}):
            self.known["place"].setdefault(_key("place", place), place)
        names = {spec.name for row in rows for spec in row.actors} - set(self.known["actor"])
        for actor in Actor.objects.filter(name__in=names):
            self.known["actor"][actor.name] = actor
        specs = [citation.source for row in rows for citation in row.citations]
        urls = {spec.url for spec in specs if spec.url}
        titles = {spec.title for spec in specs if not spec.url}
        known = Source.objects.filter(Q(url__in=urls) | Q(title__in=titles, url="")).order_by("id")
        for source in known:
            self.known["source"].setdefault(_key("source", source), source)

    def _create_missing(self, rows: list[ImportedIncident]) -> None:
        """Create, in bulk, the actors, places and sources the batch names that do not exist."""
        for kind, build in (("place", _new_place), ("actor", _new_actor), ("source", _new_source)):
            missing = {}
            for row in rows:
                for _, spec_kind, specs in _references(row):
                    if spec_kind != kind:
                        continue
                    for spec in specs:
                        if _key(kind, spec) not in self.known[kind]:
                            missing.setdefault(_key(kind, spec), spec)
            if missing:
                self._create(kind, {key: build(spec) for key, spec in missing.items()})

    def _create(self, kind: str, records: dict) -> None:
        if not self.create_missing:
            for key, record in records.items():
                self.refused[(kind, key)] = (
                    f"No {kind} “{_label(record)}” exists, and creating records is turned off."
                )
            return
        valid = {}
        for key, record in records.items():
            error = _invalid(record, kind, constraints=False)
            if error:
                self.refused[(kind, key)] = error
            else:
                valid[key] = record
        model = type(next(iter(records.values())))
        try:
            with transaction.atomic():
                model.objects.bulk_create(valid.values())
        except IntegrityError:
            # A database rule refused one of them: find which, create the others.
            for key, record in list(valid.items()):
                error = _invalid(record, kind, constraints=True)
                if error:
                    self.refused[(kind, key)] = error
                    del valid[key]
            model.objects.bulk_create(valid.values())
        self.known[kind].update(valid)
        created = {"place": self.report.created_places, "actor": self.report.created_actors}
        created.get(kind, self.report.created_sources).extend(
            _label(record) for record in valid.values()
        )

    def _place(self, spec: PlaceSpec) -> Location:
        return self.known["place"][_key("place", spec)]

    def _actor(self, spec: ActorSpec) -> Actor:
        return self.known["actor"][spec.name]

    def _source(self, spec: SourceSpec) -> Source:
        return self.known["source"][_key("source", spec)]

    def _tag(self, name: str) -> Tag:
        if name not in self.tags:
            name = name[: Tag._meta.get_field("name").max_length]
            self.tags[name], _ = Tag.objects.get_or_create(name=name)
        return self.tags[name]

    # -- incidents -----------------------------------------------------------------------

    def _existing_incidents(self, rows: list[ImportedIncident]) -> dict[str, Incident]:
        public_ids = [row.public_id for row in rows if row.public_id]
        event_ids = [row.event_id for row in rows if row.event_id and not row.public_id]
        found = {
            incident.public_id: incident
            for incident in Incident.objects.filter(public_id__in=public_ids)
        }
        found.update(
            (f"event:{incident.dataset_event_id}", incident)
            for incident in Incident.objects.filter(
                dataset=self.preset.dataset, dataset_event_id__in=event_ids
            )
        )
        # An export of Tessera's own records in a dataset's layout carries their public ids.
        for incident in Incident.objects.filter(public_id__in=event_ids):
            found.setdefault(f"event:{incident.public_id}", incident)
        return found

    def _build(self, imported: ImportedIncident, existing: dict[str, Incident]) -> Incident:
        key = imported.public_id or f"event:{imported.event_id}"
        incident = existing.get(key) if (imported.public_id or imported.event_id) else None
        if incident is None:
            incident = Incident(public_id=imported.public_id, created_by=self.user)
        before = _stored_values(incident)
        for name, value in imported.fields.items():
            if name in NOT_IMPORTED:
                continue
            if name == "status" and incident.pk and self.preset.dataset:
                continue  # re-importing a dataset never publishes or un-retracts a record
            setattr(incident, name, value)
        if not imported.public_id and incident.public_id != imported.event_id:
            incident.dataset = self.preset.dataset
            incident.dataset_event_id = imported.event_id
        incident.dataset_fields = imported.dataset_fields
        incident.location = self._place(imported.location) if imported.location else None
        incident.origin_location = (
            self._place(imported.origin_location) if imported.origin_location else None
        )
        if not incident.date_end:
            incident.date_end = incident.date_start
        incident.restored = incident.pk is None
        after = _stored_values(incident)
        # Only what the file changed is written back (bulk_update's cost grows with fields).
        incident.changed_fields = {name for name in after if after[name] != before.get(name)}
        incident.changed = incident.pk is None or bool(incident.changed_fields)
        if incident.changed:
            incident.updated_by = self.user
            incident.updated_at = timezone.now()  # bulk_update does not apply auto_now
        return incident

    def _validate(
        self, incident: Incident, number: int, *, constraints: bool = False
    ) -> list[Problem]:
        exclude = {"public_id", "location"} if incident.location is None else {"public_id"}
        try:
            # Constraints cost a query each; the database checks them when the batch is
            # written, and a refused batch is checked again row by row (see _save).
            incident.full_clean(
                exclude=exclude, validate_unique=False, validate_constraints=constraints
            )
        except ValidationError as error:
            return [
                Problem(number, self._field_column(name), message)
                for name, messages in error.message_dict.items()
                for message in messages
            ]
        if incident.location is None:
            return [
                Problem(number, self.preset.column_of_field("location"), "A place is required.")
            ]
        return []

    def _citation_problems(self, imported: ImportedIncident) -> list[Problem]:
        """The model's rules for each citation (a quote, known claims and stance)."""
        problems = []
        for spec in imported.citations:
            citation = Citation(
                quote=spec.quote, locator=spec.locator, supports=spec.supports, stance=spec.stance
            )
            try:
                citation.full_clean(exclude={"incident", "source"}, validate_constraints=False)
            except ValidationError as error:
                problems += [
                    Problem(imported.row, self._citation_column(name), message)
                    for name, messages in error.message_dict.items()
                    for message in messages
                ]
        return problems

    def _citation_column(self, name: str) -> str:
        for candidate in (name, f"{name}s", "citations", "sources"):
            column = self.preset.column_of_field(candidate)
            if column in self.preset.header:
                return column
        return name

    def _field_column(self, name: str) -> str:
        return "(row)" if name == "__all__" else self.preset.column_of_field(name)

    def _save(self, rows: list[tuple[Incident, ImportedIncident]]) -> None:
        try:
            with transaction.atomic():
                self._write(rows)
        except IntegrityError:
            # Some row breaks a database rule: find which, report it, write the others.
            valid = []
            for incident, imported in rows:
                problems = self._validate(incident, imported.row, constraints=True)
                if problems:
                    self.report.problems += problems
                    self.report.skipped += 1
                else:
                    valid.append((incident, imported))
            for incident, imported in valid:
                if not imported.public_id:
                    incident.public_id = ""  # its reserved id was rolled back with the batch
            try:
                with transaction.atomic():
                    self._write(valid)
            except IntegrityError as error:
                # Nothing above explains it (a concurrent write?): report it, never crash.
                self.report.problems += [
                    Problem(imported.row, "(row)", f"Could not be written: {error}")
                    for _, imported in valid
                ]
                self.report.skipped += len(valid)

    def _write(self, rows: list[tuple[Incident, ImportedIncident]]) -> None:
        new = [incident for incident, _ in rows if incident.pk is None]
        old = [incident for incident, _ in rows if incident.pk is not None and incident.changed]
        updated = len(rows) - len(new)
        self._assign_public_ids(new)
        Incident.objects.bulk_create(new, batch_size=BATCH_SIZE)
        # One UPDATE per changed row: Django's bulk_update builds a CASE per row and field,
        # which costs more to compile than the round trips it saves.
        for incident in old:
            values = {name: getattr(incident, name) for name in incident.changed_fields}
            values.update(updated_at=incident.updated_at, updated_by_id=incident.updated_by_id)
            Incident.objects.filter(pk=incident.pk).update(**values)
        self.report.created += len(new)
        self.report.updated += updated
        self._replace_related(rows)
        self._keep_timestamps(rows)

    @staticmethod
    def _keep_timestamps(rows: list[tuple[Incident, ImportedIncident]]) -> None:
        """A file that carries created_at/updated_at (a native export) keeps those dates."""
        stamped = []
        for incident, imported in rows:
            # A restored record keeps its dates; one the file changed was updated now.
            if imported.timestamps and (incident.restored or not incident.changed):
                for name, value in imported.timestamps.items():
                    setattr(incident, name, value)
                stamped.append(incident)
        if stamped:
            # bulk_update, unlike save(), leaves auto_now alone.
            Incident.objects.bulk_update(stamped, ["created_at", "updated_at"])

    def _assign_public_ids(self, incidents: list[Incident]) -> None:
        by_prefix: dict[str, list[Incident]] = {}
        for incident in incidents:
            if incident.public_id:
                match = PUBLIC_ID.match(incident.public_id)
                if match:
                    prefix, number = match.group(1), int(match.group(2))
                    highest = self.highest_public_ids.get(prefix, 0)
                    self.highest_public_ids[prefix] = max(highest, number)
                continue
            by_prefix.setdefault(incident.public_id_prefix(), []).append(incident)
        for prefix, group in by_prefix.items():
            for incident, public_id in zip(
                group, PublicIdCounter.reserve(prefix, len(group)), strict=True
            ):
                incident.public_id = public_id

    def _replace_related(self, rows: list[tuple[Incident, ImportedIncident]]) -> None:
        incidents = [incident for incident, _ in rows]
        IncidentActor.objects.filter(incident__in=incidents).delete()
        Citation.objects.filter(incident__in=incidents).delete()
        Incident.tags.through.objects.filter(incident__in=incidents).delete()
        participants, citations, tagged = [], [], []
        for incident, imported in rows:
            seen = set()
            for spec in imported.actors:
                actor = self._actor(spec)
                if (actor.pk, spec.role) in seen:
                    continue
                seen.add((actor.pk, spec.role))
                participants.append(
                    IncidentActor(
                        incident=incident,
                        actor=actor,
                        role=spec.role,
                        attribution=spec.attribution,
                        side=spec.side,
                    )
                )
            for spec in imported.citations:
                citations.append(
                    Citation(
                        incident=incident,
                        source=self._source(spec.source),
                        quote=spec.quote,
                        locator=spec.locator,
                        supports=spec.supports,
                        stance=spec.stance,
                    )
                )
            tagged += [
                Incident.tags.through(incident=incident, tag=self._tag(name))
                for name in dict.fromkeys(imported.tags)
            ]
        IncidentActor.objects.bulk_create(participants, batch_size=BATCH_SIZE)
        Citation.objects.bulk_create(citations, batch_size=BATCH_SIZE)
        Incident.tags.through.objects.bulk_create(tagged, batch_size=BATCH_SIZE)
        refresh_search_documents([incident.pk for incident in incidents])


def _references(row: ImportedIncident) -> list[tuple[str, str, list]]:
    """(field the problem is reported on, kind of record, specs) for everything a row names."""
    return [
        ("location", "place", [row.location] if row.location else []),
        ("origin_location", "place", [row.origin_location] if row.origin_location else []),
        ("actors", "actor", row.actors),
        ("sources", "source", [citation.source for citation in row.citations]),
    ]


def _key(kind: str, record) -> Any:
    """What two descriptions of the same actor, place or source have in common."""
    if kind == "actor":
        return record.name
    if kind == "place":
        # Coordinates to about a metre: the same place written by two exports.
        return (record.name, round(record.latitude, 5), round(record.longitude, 5))
    if record.url:
        return (record.url,)
    return (record.publisher, record.title, record.published_at)


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
        publisher=spec.publisher,
        url=spec.url,
        published_at=spec.published_at,
        source_type=spec.source_type,
    )


def _label(record) -> str:
    return f"{record.publisher}: {record.title}" if isinstance(record, Source) else record.name


def _stored_values(incident: Incident) -> dict[str, Any]:
    return {
        field.attname: getattr(incident, field.attname)
        for field in Incident._meta.concrete_fields
        if field.name not in ("updated_at", "updated_by", "search_document")
    }


def _invalid(record, what: str, *, constraints: bool) -> str:
    """Why `record` cannot be created, or "" when it can."""
    try:
        record.full_clean(validate_unique=False, validate_constraints=constraints)
    except ValidationError as error:
        details = "; ".join(
            f"{name}: {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        )
        return f"Cannot create the {what} “{_label(record)}”: {details}"
    return ""
