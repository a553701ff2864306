"""Importing incidents from a CSV file in one of the presets' layouts.

Every row is read by the preset's columns and validated by the model's own rules; the report
lists each problem with its row number and column. By default nothing is written when any
row fails (the whole import is one transaction, rolled back); `skip_bad_rows` writes the
good rows only, and `dry_run` writes nothing but reports what would happen. Actors, places
and sources are matched by name, coordinates and URL, and created when missing unless
`create_missing` is off. Re-importing a file updates the incidents it created, matched by the
dataset's own event id; a dataset's layout never changes a record that came from elsewhere
(see _Importer._without_own_records). Rows are handled in batches with bulk writes, so memory
stays flat.

The audit trail sees an import as the ORM would: every incident it creates or changes gets
one history entry (with the importing user, and the file as the reason) and a new version;
so do the actor rows and citations it writes or replaces and the actors, places and sources
it creates. A row that changes nothing writes nothing.
"""

from __future__ import annotations

import csv
import io
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, TextIO

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connections, transaction
from django.db.models import CheckConstraint, F, Model, Q
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from core import bulk_writes
from csvio.export import FORMULA_PREFIXES, csv_lines, with_export_columns
from csvio.imports.dedup import Seen
from csvio.imports.links import Links
from csvio.imports.report import ImportReport, Problem
from csvio.layouts.base import (
    ActorSpec,
    CellError,
    ImportedIncident,
    PlaceSpec,
    Preset,
    SourceSpec,
    ignore,
)
from geo.models import Location
from incidents.derived import deferred as refreshes_deferred
from incidents.derived import independent_sources_of as count_independent
from incidents.derived import search_document_of as document_of
from incidents.derived import search_vector_sql as vector_sql
from incidents.models import (
    Actor,
    Citation,
    Incident,
    IncidentActor,
    PublicIdCounter,
    Source,
    Tag,
)
from incidents.taxonomy import ActorType, Stance
from incidents.workflow import may_set_status, refusal

BATCH_SIZE = 5000
PUBLIC_ID = re.compile(r"^([A-Z]{3}-\d{4})-(\d+)$")
# Fields an import never takes from a file.
NOT_IMPORTED = {"id", "public_id", "created_at", "updated_at", "created_by", "updated_by"}
# Fields a file cannot change: bookkeeping, and what other modules derive.
NOT_COMPARED = {"updated_at", "updated_by", "version", "search_document", "search_vector"}
# Values whose validation _Rules remembers, before it forgets them to keep memory flat.
REMEMBERED_VALUES = 100_000
# Actors, places and sources kept between batches, before they are forgotten (and fetched
# again when a later row names them).
REMEMBERED_RECORDS = 20_000
PARTICIPANT_FIELDS = ("actor_id", "role", "attribution", "side")
# What an import derives for every incident it writes (see _Importer._derive).
DERIVED = ("search_document", "independent_sources")
CITATION_FIELDS = ("source_id", "quote", "locator", "supports", "stance")


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
    file_name: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import `file`; `user` and `file_name` are what the history of each record says."""
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

    what = f"{file_name} ({preset.name} layout)" if file_name else f"a {preset.name} CSV file"
    history = _History(user=user, reason=f"Imported from {what}")
    seen = None
    try:
        with transaction.atomic(), refreshes_deferred():
            seen = Seen()
            importer = _Importer(
                preset, report, create_missing=create_missing, history=history, seen=seen
            )
            for batch in _batches(enumerate(reader, start=2), BATCH_SIZE):
                importer.import_batch(batch)
                if progress:
                    progress(report.rows)
            importer.finish()
            # Rows that links found wrong only at the end are written: no skipping them.
            report.must_fix = importer.links.refused_late
            failed = report.must_fix or (report.problems and not skip_bad_rows)
            if dry_run or failed:
                raise _Rollback
            report.written = True
    except _Rollback:
        report.written = False
    finally:
        if seen is not None:
            seen.close()
    # Found batch by batch and at the end; read in the file's order (stable: columns stay
    # in the order they were checked).
    report.problems.sort(key=lambda problem: problem.row)
    return report


def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def read_row(preset: Preset, row: dict[str, str], number: int) -> tuple[ImportedIncident, list]:
    imported = ImportedIncident(row=number)
    problems = []
    for column in preset.columns:
        text = cell_text(row, column.name)
        if "\x00" in text:  # no database stores it in text, and no one types it
            problems.append(Problem(number, column.name, "Holds a NUL character."))
            continue
        try:
            column.read(imported, text)
        except (CellError, ValidationError, ValueError) as error:
            problems.append(Problem(number, column.name, _message(error)))
    return imported, problems


def cell_text(row: dict[str, str], name: str) -> str:
    """A cell as a column reads it: without surrounding spaces or the export's formula
    protection (a leading ')."""
    # Spaces only: a cell of several lines may begin with an empty line (an empty value).
    text = (row.get(name) or "").strip(" \t")
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def _message(error: Exception) -> str:
    return "; ".join(getattr(error, "messages", None) or [str(error)])


# -- the model's rules, for many records ------------------------------------------------------


class _Rules:
    """A model's own validation, as full_clean() without unique checks, for many records.

    full_clean() costs a query per foreign key and per CHECK constraint. Here each field's
    rules run once per distinct value, foreign keys are left to the database (the importer
    itself found or created every record they point to), and CHECK constraints made of plain
    lookups are evaluated in Python. The database still enforces everything; a batch it
    refuses is checked again with full_clean() (see _Importer._save).
    """

    def __init__(self, model: type[Model], *, skip: Iterable[str] = ()):
        self.model = model
        self.fields = [
            f
            for f in model._meta.fields
            if not f.is_relation and not f.generated and f.name not in skip
        ]
        self.attnames = {f.name: f.attname for f in model._meta.concrete_fields}
        self.checks = [
            (constraint, tuple(sorted(_referenced_fields(constraint.condition))))
            for constraint in model._meta.constraints
            if isinstance(constraint, CheckConstraint)
            and _evaluable(constraint.condition)
            and _referenced_fields(constraint.condition) <= set(self.attnames)
        ]
        self.on_field = getattr(model, "constraint_fields", {})
        self.cleaned: dict[tuple, tuple[Any, list[str]]] = {}
        self.passed: dict[tuple, bool] = {}

    def errors(self, record: Model, exclude: Iterable[str] = ()) -> dict[str, list[str]]:
        """{field name or NON_FIELD_ERRORS: messages}, empty when `record` is valid."""
        if len(self.cleaned) + len(self.passed) > REMEMBERED_VALUES:
            self.cleaned.clear()
            self.passed.clear()
        errors: dict[str, list[str]] = {}
        for model_field in self.fields:
            if model_field.name in exclude:
                continue
            value = getattr(record, model_field.attname)
            if model_field.blank and value in model_field.empty_values:
                continue
            cleaned, messages = self._clean(model_field, value, record)
            if messages:
                errors[model_field.name] = messages
            else:
                setattr(record, model_field.attname, cleaned)
        try:
            record.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        for constraint, names in self.checks:
            if errors.keys().isdisjoint(names) and not self._passes(constraint, names, record):
                name = self.on_field.get(constraint.name, NON_FIELD_ERRORS)
                errors.setdefault(name, []).append(constraint.get_violation_error_message())
        return errors

    def _clean(self, model_field, value: Any, record: Model) -> tuple[Any, list[str]]:
        key = (model_field.attname, type(value), value)
        try:
            return self.cleaned[key]
        except KeyError:
            pass
        except TypeError:  # a JSON value: not hashable, checked every time
            key = None
        try:
            result = (model_field.clean(value, record), [])
        except ValidationError as error:
            result = (value, error.messages)
        if key is not None:
            self.cleaned[key] = result
        return result

    def _passes(self, constraint: CheckConstraint, names: tuple[str, ...], record: Model) -> bool:
        values = tuple(getattr(record, self.attnames[name]) for name in names)
        key = (constraint.name, values)
        try:
            return self.passed[key]
        except KeyError:
            pass
        # SQL's CHECK refuses a row only when its condition is false, not when unknown.
        passed = _evaluate(constraint.condition, dict(zip(names, values, strict=True)))
        self.passed[key] = passed is not False
        return self.passed[key]


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": lambda value, other: value == other,
    "in": lambda value, other: value in other,
    "lt": lambda value, other: value < other,
    "lte": lambda value, other: value <= other,
    "gt": lambda value, other: value > other,
    "gte": lambda value, other: value >= other,
}


def _lookups(condition: Q) -> Iterator[tuple[str, str, Any]]:
    """(field, lookup, value) of every comparison in `condition`, however deep."""
    for child in condition.children:
        if isinstance(child, Q):
            yield from _lookups(child)
        else:
            name, _, lookup = child[0].partition("__")
            yield name, lookup or "exact", child[1]


def _evaluable(condition: Any) -> bool:
    """Whether `condition` is a Q of plain lookups on the record's own fields."""
    if not isinstance(condition, Q) or condition.connector not in (Q.AND, Q.OR):
        return False
    nested = [child for child in condition.children if isinstance(child, Q)]
    if not all(_evaluable(child) for child in nested):
        return False
    return all(
        (lookup in _COMPARISONS or lookup == "isnull")
        and (not hasattr(value, "resolve_expression") or isinstance(value, F))
        for name, lookup, value in _lookups(condition)
    )


def _referenced_fields(condition: Q) -> frozenset[str]:
    names = set()
    for name, _, value in _lookups(condition):
        names.add(name)
        if isinstance(value, F):
            names.add(value.name)
    return frozenset(names)


def _evaluate(condition: Q, values: dict[str, Any]) -> bool | None:
    """`condition` for one record's `values`, in SQL's logic: None is unknown."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_evaluate(child, values))
            continue
        name, _, lookup = child[0].partition("__")
        value, other = values[name], child[1]
        if isinstance(other, F):
            other = values[other.name]
        if lookup == "isnull":
            results.append((value is None) == other)
        elif value is None or other is None:
            results.append(None)
        else:
            results.append(_COMPARISONS[lookup or "exact"](value, other))
    if condition.connector == Q.AND:
        outcome = False if False in results else None if None in results else True
    else:
        outcome = True if True in results else None if None in results else False
    if condition.negated and outcome is not None:
        return not outcome
    return outcome


# -- history --------------------------------------------------------------------------------


@dataclass
class _History:
    """Who imports and why: what every history entry an import writes says.

    An entry holds the record's values as stored, so it is copied from the record's row by
    one INSERT … SELECT per batch, as simple_history's bulk_history_create() would write it
    from the record in memory, but without building a historical instance per record.
    Deletion entries are copied before the rows are deleted.
    """

    user: Any = None
    reason: str = ""

    def created(self, model: type[Model], ids: list[int], *, by: str = "") -> None:
        """Entries for the new rows of `model` whose `by` column (the primary key by default)
        is in `ids`."""
        self._copy(model, ids, "+", by)

    def changed(self, model: type[Model], ids: list[int]) -> None:
        self._copy(model, ids, "~")

    def deleted(self, model: type[Model], ids: list[int]) -> None:
        self._copy(model, ids, "-")

    def _copy(self, model: type[Model], ids: list[int], history_type: str, by: str = "") -> None:
        if not ids or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return
        historical = get_history_manager_for_model(model).model
        tracked = historical.tracked_fields
        connection = connections[model.objects.db]
        quote = connection.ops.quote_name
        columns = [historical._meta.get_field(f.name).column for f in tracked]
        columns += ["history_date", "history_change_reason", "history_type", "history_user_id"]
        user = self.user.pk if getattr(self.user, "is_authenticated", False) else None
        entry = [timezone.now(), self.reason, history_type, user]
        entry = [
            historical._meta.get_field(name).get_db_prep_save(value, connection)
            for name, value in zip(
                ("history_date", "history_change_reason", "history_type", "history_user"),
                entry,
                strict=True,
            )
        ]
        column = quote(by or model._meta.pk.column)
        for chunk, condition in bulk_writes.id_chunks(connection, column, ids, len(entry)):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {quote(historical._meta.db_table)} "
                    f"({', '.join(quote(column) for column in columns)}) "
                    f"SELECT {', '.join(quote(f.column) for f in tracked)}, %s, %s, %s, %s "
                    f"FROM {quote(model._meta.db_table)} WHERE {condition}",
                    [*entry, *chunk],
                )


# -- the import ------------------------------------------------------------------------------


class _Importer:
    def __init__(
        self, preset: Preset, report: ImportReport, *, create_missing: bool, history, seen: Seen
    ):
        self.preset, self.report = preset, report
        self.create_missing, self.history = create_missing, history
        self.user = history.user if getattr(history.user, "is_authenticated", False) else None
        # The search fields are the search module's to write, and not even read here.
        self.rules = {
            Incident: _Rules(Incident, skip={"search_document", "search_vector"}),
            Citation: _Rules(Citation),
        }
        # Actors, places and sources by their matching key (_key), once found or created.
        self.known: dict[str, dict] = {"place": {}, "actor": {}, "source": {}}
        # (kind, key) → why that record could not be created
        self.refused: dict[tuple[str, Any], str] = {}
        self.tags: dict[str, Tag] = {}
        # The ids rows gave and the stored incidents they matched, with the first row that did.
        self.seen = seen
        self.highest_public_ids: dict[str, int] = {}
        self.links = Links(
            report=report, history=history, user=self.user, column_of=preset.column_of_field
        )

    # -- one batch of rows ---------------------------------------------------------------

    def import_batch(self, batch: list[tuple[int, dict[str, str]]]) -> None:
        if sum(map(len, self.known.values())) > REMEMBERED_RECORDS:
            for records in self.known.values():
                records.clear()
        read = []
        for number, row in batch:
            self.report.rows += 1
            read.append((number, *read_row(self.preset, row, number)))
        clean = []
        for number, imported, problems in self._without_own_records(read, dict(batch)):
            if problems:
                self.report.problems += problems
                self.report.skipped += 1
            else:
                clean.append((number, imported))
        read = self._without_repeats(clean)
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
        named = self.links.targets([imported for _, imported in rows])
        built = [(number, imported, self._build(imported, existing)) for number, imported in rows]
        again = self._matched_again([(number, incident) for number, _, incident in built])
        valid = []
        for number, imported, incident in built:
            problems = again.get(number) or self._validate(incident, number)
            problems += self._citation_problems(imported)
            problems += self._problems(self.links.problems(incident, imported, named), number)
            if problems:
                self.report.problems += problems
                self.report.skipped += 1
            else:
                valid.append((incident, imported))
        # Before the batch's savepoint, whose rollback (see _save) would take a new tag along
        # while self.tags kept it.
        for _, imported in valid:
            for name in imported.tags:
                self._tag(name)
        self.links.written(self._save(valid), named)

    def _without_repeats(self, rows: list[tuple[int, ImportedIncident]]) -> list:
        """A row whose id an earlier row of the file had is a problem, not an update; so is
        a row whose public id the import gave an earlier row's new record."""
        first_row_of: dict[str, int] = {}  # id → the first row of this batch that had it
        for number, imported in reversed(rows):
            key = imported.public_id or imported.event_id
            if key:
                first_row_of[f"id:{key}"] = number
        first_row_of.update(self.seen.first_rows(first_row_of))
        given = self.seen.rows_of(
            f"given:{imported.public_id}" for _, imported in rows if imported.public_id
        )
        kept = []
        for number, imported in rows:
            key = imported.public_id or imported.event_id
            first = first_row_of.get(f"id:{key}", number) if key else number
            if first != number:
                message = f"Row {first} already has the id “{key}”."
            elif f"given:{imported.public_id}" in given:
                message = (
                    f"The import gave “{key}” to the new record of row "
                    f"{given[f'given:{imported.public_id}']}: put rows without a public id "
                    "after the rows that have one, or give every row its id."
                )
            else:
                kept.append((number, imported))
                continue
            self.report.problems.append(Problem(number, self.preset.columns[0].name, message))
            self.report.skipped += 1
        return kept

    def _matched_again(
        self, rows: list[tuple[int, Incident]], what: str = "updates this incident"
    ) -> dict[int, list[Problem]]:
        """The rows whose stored incident an earlier row matched by another id (its public
        id, then its dataset's event id): a problem each, not a second update."""
        stored = [(number, incident) for number, incident in rows if incident.pk is not None]
        first_row_of = {f"record:{incident.pk}": number for number, incident in reversed(stored)}
        first_row_of.update(self.seen.first_rows(first_row_of))
        column = self.preset.columns[0].name
        again = {}
        for number, incident in stored:
            first = first_row_of[f"record:{incident.pk}"]
            if first != number:
                message = f"Row {first} already {what} ({incident.public_id})."
                again[number] = [Problem(number, column, message)]
        return again

    def _without_own_records(
        self, rows: list[tuple[int, ImportedIncident, list[Problem]]], cells: dict[int, dict]
    ) -> list[tuple[int, ImportedIncident, list[Problem]]]:
        """Leaves out the rows of a dataset's layout that name a Tessera record by its public id.

        Such a layout holds less than the record (its title, quotes, attribution grades,
        casualty ranges, point of origin): writing the row would lose the rest, so the record
        stays as it is. A row that says what the record's own export in the layout says is
        unchanged; one that says otherwise is a problem, column by column.
        """
        own = self._own_records([imported for _, imported, _ in rows])
        if not own:
            return rows
        exported = self._exported_rows([incident.pk for incident in own.values()])
        named = [
            (number, own[imported.event_id])
            for number, imported, _ in rows
            if imported.event_id in own
        ]
        again = self._matched_again(named, "names this record")
        kept = []
        for number, imported, problems in rows:
            incident = own.get(imported.event_id)
            if incident is None:
                kept.append((number, imported, problems))
                continue
            problems = again.get(number) or self._differences(
                incident, number, cells[number], exported[incident.pk]
            )
            if problems:
                self.report.problems += problems
                self.report.skipped += 1
            else:
                self.report.unchanged += 1
        return kept

    def _own_records(self, rows: list[ImportedIncident]) -> dict[str, Incident]:
        """The records from elsewhere that rows of a dataset's layout name by their public ids
        (an export in that layout writes them for records that did not come from the dataset)."""
        if not self.preset.dataset:
            return {}
        event_ids = {imported.event_id for imported in rows if imported.event_id}
        records = Incident.objects.filter(bulk_writes.among("public_id", event_ids)).exclude(
            dataset=self.preset.dataset
        )
        found = {incident.public_id: incident for incident in records.only("public_id")}
        if found:  # the dataset's own events keep their ids, even one written like a public id
            for event_id in Incident.objects.filter(
                bulk_writes.among("dataset_event_id", found), dataset=self.preset.dataset
            ).values_list("dataset_event_id", flat=True):
                del found[event_id]
        return found

    def _exported_rows(self, pks: list[int]) -> dict[int, dict[str, str]]:
        """The cells the preset's export writes for these incidents."""
        incidents = list(with_export_columns(Incident.objects.filter(bulk_writes.among("pk", pks))))
        text = "".join(csv_lines(incidents, self.preset.columns))
        return dict(zip([i.pk for i in incidents], csv.DictReader(io.StringIO(text)), strict=True))

    def _differences(
        self, incident: Incident, number: int, cells: dict[str, str], exported: dict[str, str]
    ) -> list[Problem]:
        """How a row differs from the export of the record it names: nothing when it says the
        same, however written (33.30 for 33.3, other line breaks, names in another order);
        else the row's own errors, and the columns that say something else."""
        stored, stored_problems = self._said(exported, number)
        # Cells that differ only in their spaces and line breaks are the export's.
        differing = [
            column
            for column in self.preset.columns
            if column.read is not ignore
            and cell_text(cells, column.name).split() != cell_text(exported, column.name).split()
        ]
        file_row = {**exported, **{column.name: cells.get(column.name) for column in differing}}
        said, problems = self._said(file_row, number)
        if (said, problems) == (stored, stored_problems):
            return []
        errors = [problem for problem in problems if problem not in stored_problems]
        changed = []
        for column in differing:
            if any(problem.column == column.name for problem in errors):
                continue  # its error says it already
            one_cell = {**exported, column.name: cells.get(column.name)}
            if self._said(one_cell, number) != (stored, stored_problems):
                changed.append(
                    (column, cell_text(cells, column.name), cell_text(exported, column.name))
                )
        return errors + self._kept_as_stored(incident, number, changed, explained=bool(errors))

    def _said(self, cells: dict[str, str], number: int) -> tuple[ImportedIncident, list[Problem]]:
        """What a row says, its actors and tags in any order (as _Related compares them)."""
        imported, problems = read_row(self.preset, cells, number)
        imported.actors.sort(key=repr)
        imported.tags.sort()
        return imported, problems

    def _kept_as_stored(
        self, incident: Incident, row: int, differing: list, *, explained: bool = False
    ) -> list[Problem]:
        why = (
            f"{incident.public_id} is a Tessera record, which the {self.preset.name} layout "
            "cannot hold whole, so this file leaves it as it is. Change it in the admin, or "
            "import it in the native layout."
        )
        if not differing:  # no one cell differs on its own
            if explained:
                return []
            return [Problem(row, self.preset.columns[0].name, f"The row differs: {why}")]
        return [
            Problem(
                row,
                column.name,
                f"The file says “{_shortened(theirs)}”, the record “{_shortened(ours)}”: {why}",
            )
            for column, theirs, ours in differing
        ]

    def finish(self) -> None:
        self.links.finish()
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
        for place in Location.objects.filter(
            bulk_writes.among("name", {spec.name for spec in places})
        ):
            self.known["place"].setdefault(_key("place", place), place)
        names = {spec.name for row in rows for spec in row.actors} - set(self.known["actor"])
        for actor in Actor.objects.filter(bulk_writes.among("name", names)):
            self.known["actor"][actor.name] = actor
        specs = [citation.source for row in rows for citation in row.citations]
        urls = {spec.url for spec in specs if spec.url}
        titles = {spec.title for spec in specs if not spec.url}
        known = Source.objects.filter(
            bulk_writes.among("url", urls) | Q(bulk_writes.among("title", titles), url="")
        ).order_by("id")
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
        model = type(next(iter(records.values())))
        rules = self.rules.setdefault(model, _Rules(model))
        valid = {}
        for key, record in records.items():
            error = _invalid(record, kind, rules.errors(record))
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

    def _place(self, spec: PlaceSpec) -> Location:
        return self.known["place"][_key("place", spec)]

    def _actor(self, spec: ActorSpec) -> Actor:
        return self.known["actor"][spec.name]

    def _source(self, spec: SourceSpec) -> Source:
        return self.known["source"][_key("source", spec)]

    def _tag(self, name: str) -> Tag:
        if name not in self.tags:
            stored_name = name[: Tag._meta.get_field("name").max_length]
            self.tags[name], _ = Tag.objects.get_or_create(name=stored_name)
        return self.tags[name]

    # -- incidents -----------------------------------------------------------------------

    def _existing_incidents(self, rows: list[ImportedIncident]) -> dict[str, Incident]:
        public_ids = [row.public_id for row in rows if row.public_id]
        event_ids = [row.event_id for row in rows if row.event_id and not row.public_id]
        # Locked until the import ends, so that the version each update raises is the
        # version it read.
        incidents = Incident.objects.select_for_update().defer("search_document", "search_vector")
        found = {
            incident.public_id: incident
            for incident in incidents.filter(bulk_writes.among("public_id", public_ids))
        }
        found.update(
            (f"event:{incident.dataset_event_id}", incident)
            for incident in incidents.filter(
                bulk_writes.among("dataset_event_id", event_ids), dataset=self.preset.dataset
            )
        )
        # A row may name one of the dataset's events by the public id Tessera gave it.
        for incident in incidents.filter(
            bulk_writes.among("public_id", event_ids), dataset=self.preset.dataset
        ):
            found.setdefault(f"event:{incident.public_id}", incident)
        return found

    def _build(self, imported: ImportedIncident, existing: dict[str, Incident]) -> Incident:
        key = imported.public_id or f"event:{imported.event_id}"
        incident = existing.get(key) if (imported.public_id or imported.event_id) else None
        if incident is None:
            incident = Incident(public_id=imported.public_id, created_by=self.user)
        # A new record is written whole: only a stored one is compared with the file.
        before = dict(zip(COMPARED, _stored_values(incident), strict=True)) if incident.pk else {}
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
        incident.read_version = incident.version
        incident.stored_status = before.get("status")
        incident.stored_dates = {
            "created_at": incident.created_at,
            "updated_at": incident.updated_at,
        }
        # A merge the file records is written after the row (see import_links).
        incident.stored_duplicate_of = before.get("duplicate_of_id")
        incident.changed_fields = set()
        if incident.pk:
            # Only what the file changed is written back.
            incident.changed_fields = {
                name
                for name, value in zip(COMPARED, _stored_values(incident), strict=True)
                if value != before[name]
            }
        incident.changed = incident.pk is None or bool(incident.changed_fields)
        return incident

    def _validate(self, incident: Incident, number: int) -> list[Problem]:
        problems = []
        # A stored record whose fields the file leaves as they are has nothing to check.
        if incident.pk is None or incident.changed_fields:
            exclude = {"public_id", "location"} if incident.location is None else {"public_id"}
            problems = self._problems(self.rules[Incident].errors(incident, exclude), number)
        # A file moves an existing record only as its importer could in the admin (the command
        # line without --user runs with the server's own rights).
        moved = self.user is not None and incident.pk and incident.status != incident.stored_status
        if moved and not may_set_status(self.user, incident.stored_status, incident.status):
            message = refusal(self.user, incident.stored_status, incident.status)
            problems += self._problems({"status": [message]}, number)
        if incident.location is None:
            problems.append(
                Problem(number, self.preset.column_of_field("location"), "A place is required.")
            )
        return problems

    def _recheck(self, incident: Incident, number: int) -> list[Problem]:
        """_validate with full_clean(), whose constraint checks ask the database."""
        exclude = {"public_id", "search_document", "search_vector"}
        if incident.location is None:
            exclude.add("location")
        problems = self._problems(_full_clean_errors(incident, exclude), number)
        if incident.location is None:
            problems.append(
                Problem(number, self.preset.column_of_field("location"), "A place is required.")
            )
        return problems

    def _problems(self, errors: dict[str, list[str]], number: int) -> list[Problem]:
        return [
            Problem(number, self._field_column(name), message)
            for name, messages in errors.items()
            for message in messages
        ]

    def _citation_problems(self, imported: ImportedIncident) -> list[Problem]:
        """The model's rules for each citation (a quote, known claims and stance)."""
        problems = []
        for spec in imported.citations:
            citation = Citation(
                quote=spec.quote, locator=spec.locator, supports=spec.supports, stance=spec.stance
            )
            errors = self.rules[Citation].errors(citation)
            problems += [
                Problem(imported.row, self._citation_column(name), message)
                for name, messages in errors.items()
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
        return "(row)" if name == NON_FIELD_ERRORS else self.preset.column_of_field(name)

    def _save(
        self, rows: list[tuple[Incident, ImportedIncident]]
    ) -> list[tuple[Incident, ImportedIncident]]:
        """Writes `rows`, and returns those written."""
        try:
            with transaction.atomic():
                self._write(rows)
            return rows
        except IntegrityError:
            # Some row breaks a database rule: find which, report it, write the others.
            valid = []
            for incident, imported in rows:
                problems = self._recheck(incident, imported.row)
                if problems:
                    self.report.problems += problems
                    self.report.skipped += 1
                else:
                    valid.append((incident, imported))
            for incident, imported in valid:
                if not imported.public_id:
                    incident.public_id = ""  # its reserved id was rolled back with the batch
                if incident.restored:
                    incident.pk = None  # so was its row
            try:
                with transaction.atomic():
                    self._write(valid)
                return valid
            except IntegrityError as error:
                # Nothing above explains it (a concurrent write?): report it, never crash.
                self.report.problems += [
                    Problem(imported.row, "(row)", f"Could not be written: {error}")
                    for _, imported in valid
                ]
                self.report.skipped += len(valid)
                return []

    def _write(self, rows: list[tuple[Incident, ImportedIncident]]) -> None:
        related = _Related(self, rows)
        new = [incident for incident, _ in rows if incident.pk is None]
        for incident in related.changed_incidents():
            incident.changed = True
        old = [incident for incident, _ in rows if incident.pk is not None and incident.changed]
        now = timezone.now()
        for incident in [*new, *old]:
            incident.updated_by = self.user
            incident.updated_at = now
        for incident in new:
            incident.created_at = now
        stamped = self._keep_timestamps(rows)
        unnamed = {id(incident) for incident in new if not incident.public_id}
        self._assign_public_ids(new)
        self.seen.first_rows(
            {
                f"given:{incident.public_id}": imported.row
                for incident, imported in rows
                if id(incident) in unnamed
            }
        )
        # Bulk writes send no signals: what search and provenance derive is written with
        # each row.
        self._derive([*new, *old], related)
        dates_written = _insert_incidents(new)
        _update_incidents(old)
        self.report.created += len(new)
        self.report.updated += len(old)
        self.report.unchanged += len(rows) - len(new) - len(old)
        related.write()
        # Dates are bookkeeping, not a change of the record: its version stays.
        bulk_writes.update(
            [incident for incident in stamped if not (incident.restored and dates_written)],
            ["created_at", "updated_at"],
        )
        self.history.created(Incident, [incident.pk for incident in new])
        self.history.changed(Incident, [incident.pk for incident in old])

    def _derive(self, incidents: list[Incident], related: _Related) -> None:
        """Set the search document and the independent-source count of `incidents`, as
        search.search_document() and provenance.independent_source_count() compute them."""
        actors = {actor.pk: actor for actor in self.known["actor"].values()}
        sources = {source.pk: source for source in self.known["source"].values()}
        for incident in incidents:
            participants = related.rows_of(incident, "participants")
            incident.search_document = document_of(
                incident, incident.location, [actors[row[0]] for row in participants]
            )
            supporting = [
                sources[row[0]]
                for row in related.rows_of(incident, "citations")
                if row[-1] == Stance.SUPPORTS
            ]
            incident.independent_sources = count_independent(supporting)

    @staticmethod
    def _keep_timestamps(rows: list[tuple[Incident, ImportedIncident]]) -> list[Incident]:
        """A file that carries created_at/updated_at (a native export) keeps those dates.

        Sets them on the records that keep them, and returns those whose dates they change.
        """
        stamped = []
        for incident, imported in rows:
            # A restored record keeps its dates; one the file changed was updated now.
            if not imported.timestamps or not (incident.restored or not incident.changed):
                continue
            # Compared with the stored dates, not the record in memory: a first attempt at the
            # batch (see _save) may have stamped it already.
            stored = {} if incident.restored else incident.stored_dates
            if any(stored.get(name) != value for name, value in imported.timestamps.items()):
                for name, value in imported.timestamps.items():
                    setattr(incident, name, value)
                stamped.append(incident)
        return stamped

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
        # Never an id that a row of the file gives, so far (later ones, see _without_repeats).
        public_ids = _reserve_public_ids(
            {prefix: len(group) for prefix, group in by_prefix.items()}, self.highest_public_ids
        )
        for prefix, group in by_prefix.items():
            for incident, public_id in zip(group, public_ids[prefix], strict=True):
                incident.public_id = public_id


class _Related:
    """A batch's actor rows, citations and tags: compared with the stored ones, then written.

    An incident whose rows differ from the file's has them all replaced, in the file's order,
    and counts as changed; one whose rows are the same keeps them, and writes nothing.
    Citations are compared in order (every layout writes them in the order they were
    written); actor rows and tags as sets, since the native layout lists actors by role and
    name, not in the order they were entered.
    """

    def __init__(self, importer: _Importer, rows: list[tuple[Incident, ImportedIncident]]):
        self.importer = importer
        self.incidents = [incident for incident, _ in rows]
        self.participants = {
            id(incident): self._participants(imported) for incident, imported in rows
        }
        self.citations = {id(incident): self._citations(imported) for incident, imported in rows}
        self.tags = {
            id(incident): [importer._tag(name).pk for name in dict.fromkeys(imported.tags)]
            for incident, imported in rows
        }
        stored_ids = [incident.pk for incident in self.incidents if incident.pk]
        self.stored_participants = _stored(IncidentActor, PARTICIPANT_FIELDS, stored_ids)
        self.stored_citations = _stored(Citation, CITATION_FIELDS, stored_ids)
        self.stored_tags: dict[int, list] = {}
        tagged = Incident.tags.through.objects.filter(
            bulk_writes.among("incident_id", stored_ids)
        ).order_by("pk")
        for incident_id, tag_id in tagged.values_list("incident_id", "tag_id"):
            self.stored_tags.setdefault(incident_id, []).append(tag_id)

    # Rows are compared and kept as tuples of PARTICIPANT_FIELDS or CITATION_FIELDS (lists
    # as tuples); a model instance is built only for a row that is written.

    def _participants(self, imported: ImportedIncident) -> list[tuple]:
        participants, seen = [], set()
        for spec in imported.actors:
            actor_id = self.importer._actor(spec).pk
            if (actor_id, spec.role) in seen:
                continue
            seen.add((actor_id, spec.role))
            participants.append((actor_id, spec.role, spec.attribution, spec.side))
        return participants

    def _citations(self, imported: ImportedIncident) -> list[tuple]:
        return [
            (
                self.importer._source(spec.source).pk,
                spec.quote,
                spec.locator,
                tuple(spec.supports) if isinstance(spec.supports, list) else spec.supports,
                spec.stance,
            )
            for spec in imported.citations
        ]

    def _differs(self, incident: Incident, kind: str) -> bool:
        if incident.pk is None:
            return True
        wanted, stored = getattr(self, kind)[id(incident)], getattr(self, f"stored_{kind}")
        stored_rows = stored.get(incident.pk, [])
        if kind == "tags":
            return set(wanted) != set(stored_rows)
        stored_content = [content for _, content in stored_rows]
        if kind == "participants":
            return Counter(wanted) != Counter(stored_content)
        return wanted != stored_content

    def rows_of(self, incident: Incident, kind: str) -> list[tuple]:
        """The actor rows or citations `incident` will have once written, in their order."""
        if incident.pk is None or id(incident) in self.replaced_ids[kind]:
            return getattr(self, kind)[id(incident)]
        return [content for _, content in getattr(self, f"stored_{kind}").get(incident.pk, [])]

    def changed_incidents(self) -> list[Incident]:
        self.replaced = {
            kind: [incident for incident in self.incidents if self._differs(incident, kind)]
            for kind in ("participants", "citations", "tags")
        }
        self.replaced_ids = {
            kind: {id(incident) for incident in incidents}
            for kind, incidents in self.replaced.items()
        }
        return [incident for kind in self.replaced.values() for incident in kind]

    def write(self) -> None:
        """Replace the rows that differ; called once the new incidents have their ids."""
        history = self.importer.history
        for kind, model, fields in (
            ("participants", IncidentActor, PARTICIPANT_FIELDS),
            ("citations", Citation, CITATION_FIELDS),
        ):
            incidents = self.replaced[kind]
            stored = getattr(self, f"stored_{kind}")
            deleted = [pk for incident in incidents for pk, _ in stored.get(incident.pk, [])]
            if deleted:
                history.deleted(model, deleted)
                # Not the ORM's delete, which writes each row's history with a query of its own.
                bulk_writes.delete(model, deleted)
            created = [
                (
                    incident.pk,
                    *(list(value) if isinstance(value, tuple) else value for value in content),
                )
                for incident in incidents
                for content in getattr(self, kind)[id(incident)]
            ]
            bulk_writes.insert_values(model, ("incident_id", *fields), created)
            # The incidents' rows are all new: each was replaced whole.
            history.created(model, [incident.pk for incident in incidents], by="incident_id")
        through = Incident.tags.through
        incidents = self.replaced["tags"]
        stale = [incident.pk for incident in incidents if incident.pk in self.stored_tags]
        through.objects.filter(incident__in=stale).delete()
        through.objects.bulk_create(
            [
                through(incident_id=incident.pk, tag_id=tag_id)
                for incident in incidents
                for tag_id in self.tags[id(incident)]
            ],
            batch_size=BATCH_SIZE,
        )


def _stored(
    model: type[Model], fields: tuple[str, ...], incident_ids: list[int]
) -> dict[int, list[tuple[int, tuple]]]:
    """(id, `fields`) of the stored rows of `model` for each incident, in the order they were
    written."""
    stored: dict[int, list] = {}
    rows = model.objects.filter(bulk_writes.among("incident_id", incident_ids)).order_by("pk")
    for pk, incident_id, *values in rows.values_list("pk", "incident_id", *fields):
        content = tuple(tuple(value) if isinstance(value, list) else value for value in values)
        stored.setdefault(incident_id, []).append((pk, content))
    return stored


def _insert_incidents(incidents: list[Incident]) -> bool:
    """Insert new incidents; True when their created_at and updated_at were written as set
    (bulk_create sets both to now: the caller then writes them)."""
    if not incidents:
        return True
    if connections[Incident.objects.db].vendor != "postgresql":
        dates = [(incident.created_at, incident.updated_at) for incident in incidents]
        bulk_writes.insert(incidents)
        for incident, (created_at, updated_at) in zip(incidents, dates, strict=True):
            incident.created_at, incident.updated_at = created_at, updated_at
        return False
    bulk_writes.insert(incidents, computed={"search_vector": vector_sql("s.search_document")})
    return True


def _update_incidents(incidents: list[Incident]) -> None:
    """Write back what the file changed and what is derived, raising each version, in one
    UPDATE: a field one record changed and another did not is written back as it was stored
    (the rows are locked since they were read)."""
    if not incidents:
        return
    for incident in incidents:
        incident.version = incident.read_version + 1
    changed = set().union(*(incident.changed_fields for incident in incidents))
    computed = {"version": "t.version + 1"}
    if connections[Incident.objects.db].vendor == "postgresql":
        computed["search_vector"] = vector_sql("s.search_document")
    fields = {*_field_names(changed), "updated_at", "updated_by", *DERIVED}
    bulk_writes.update(incidents, sorted(fields), computed=computed)


def _field_names(attnames: Iterable[str]) -> set[str]:
    by_attname = {f.attname: f.name for f in Incident._meta.concrete_fields}
    return {by_attname[attname] for attname in attnames}


def _reserve_public_ids(
    counts: dict[str, int], past: dict[str, int] | None = None
) -> dict[str, list[str]]:
    """PublicIdCounter.reserve for many prefixes at once (three queries, not four each),
    the ids handed out numbered after `past` (prefix → the highest number a file gives)."""
    if not counts:
        return {}
    PublicIdCounter.objects.bulk_create(
        [PublicIdCounter(prefix=prefix) for prefix in counts], ignore_conflicts=True
    )
    counters = list(PublicIdCounter.objects.select_for_update().filter(prefix__in=counts))
    reserved = {}
    for counter in counters:
        counter.last = max(counter.last, (past or {}).get(counter.prefix, 0))
        first = counter.last + 1
        counter.last += counts[counter.prefix]
        reserved[counter.prefix] = [
            f"{counter.prefix}-{number:05d}" for number in range(first, counter.last + 1)
        ]
    bulk_writes.update(counters, ["last"])  # bulk_update's CASE per prefix costs more
    return reserved


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


def _shortened(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _label(record) -> str:
    return f"{record.publisher}: {record.title}" if isinstance(record, Source) else record.name


# The fields (by attname) an import compares with the stored record.
COMPARED = tuple(f.attname for f in Incident._meta.concrete_fields if f.name not in NOT_COMPARED)
_stored_values = operator.attrgetter(*COMPARED)


def _full_clean_errors(record: Model, exclude: Iterable[str] = ()) -> dict[str, list[str]]:
    try:
        record.full_clean(exclude=exclude, validate_unique=False)
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
