"""Writing a batch of checked rows: the incidents, their actor rows, citations and tags, what
is derived from them, and their history, in bulk.

A batch is written in a savepoint. The database enforces the models' constraints: when it
refuses the batch, the rows that break a CHECK constraint, then those that break a rule only
the database sees (another record's unique key), are reported on their rows, and the others
written again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import bulk_writes
from core.history_writes import BulkHistory
from csvio.imports import derived
from csvio.imports.match import References
from csvio.imports.related import Related
from csvio.imports.report import NEW, UNCHANGED, UPDATED, ImportReport, Problem
from csvio.imports.row import ImportRow
from csvio.imports.validate import RowChecks
from incidents.models import Incident, PublicIdCounter


class Writer:
    def __init__(
        self,
        report: ImportReport,
        *,
        checks: RowChecks,
        references: References,
        history: BulkHistory,
        user,
    ) -> None:
        self.report, self.checks, self.references = report, checks, references
        self.history, self.user = history, user

    def save(self, rows: list[ImportRow]) -> list[ImportRow]:
        """Writes `rows`, and returns those written."""
        explanations = [self.checks.refused, self.checks.refused_by_database]
        while True:
            try:
                with transaction.atomic():
                    self._write(rows)
                self._report(rows)
                return rows
            except IntegrityError as error:
                for row in rows:
                    self._forget_ids(row)
                while explanations:
                    kept = self._refuse(rows, explanations.pop(0))
                    if len(kept) < len(rows):
                        rows = kept
                        break
                else:
                    # Nothing explains it (a concurrent write?): report it, never crash.
                    self._refuse(rows, _unwritten(error))
                    return []

    def _report(self, rows: list[ImportRow]) -> None:
        for row in rows:
            if row.new:
                # A dry run's new records give their ids back: only those the file gave stay.
                shown = "" if self.report.dry_run else row.incident.public_id
                self.report.add_fate(row.number, NEW, row.imported.public_id or shown)
            else:
                fate = UPDATED if row.changed else UNCHANGED
                self.report.add_fate(row.number, fate, row.incident.public_id, row.incident.pk)

    def _refuse(
        self, rows: list[ImportRow], why: Callable[[ImportRow], list[Problem]]
    ) -> list[ImportRow]:
        """Report the rows that `why` finds problems with, and return the others."""
        kept = []
        for row in rows:
            problems = why(row)
            if problems:
                self.report.problems += problems
                self.report.rows_with_problems += 1
            else:
                kept.append(row)
        return kept

    @staticmethod
    def _forget_ids(row: ImportRow) -> None:
        """The ids a new record was given went with the batch's savepoint."""
        if not row.imported.public_id:
            row.incident.public_id = ""
        if row.new:
            row.incident.pk = None

    def _write(self, rows: list[ImportRow]) -> None:
        related = Related(rows, self.references, self.history)
        for row in rows:
            row.changed = row.changed or related.changes(row.incident)
        new = [row for row in rows if row.new]
        old = [row for row in rows if not row.new and row.changed]
        now = timezone.now()
        for row in [*new, *old]:
            row.incident.updated_by = self.user
            row.incident.updated_at = now
        for row in new:
            row.incident.created_at = now
        stamped = _keep_timestamps(rows)
        _assign_public_ids([row.incident for row in new if not row.incident.public_id])
        actors, sources = self.references.actors_by_id(), self.references.sources_by_id()
        for row in [*new, *old]:
            incident = row.incident
            participants = related.rows_of(incident, "participants")
            citations = related.rows_of(incident, "citations")
            derived.derive(incident, participants, citations, actors, sources)
        dates_written = _insert_incidents([row.incident for row in new])
        _update_incidents(old)
        related.write()
        # Dates are bookkeeping, not a change of the record: its version stays.
        bulk_writes.update(
            [row.incident for row in stamped if not (row.new and dates_written)],
            ["created_at", "updated_at"],
        )
        self.history.created(Incident, [row.incident.pk for row in new])
        self.history.changed(Incident, [row.incident.pk for row in old])


def _assign_public_ids(incidents: list[Incident]) -> None:
    """New records take the next ids of their prefixes: the counters are past every id the
    file names (see named_ids), so no row names one of them."""
    by_prefix: dict[str, list[Incident]] = {}
    for incident in incidents:
        by_prefix.setdefault(incident.public_id_prefix(), []).append(incident)
    public_ids = PublicIdCounter.reserve_many(
        {prefix: len(group) for prefix, group in by_prefix.items()}
    )
    for prefix, group in by_prefix.items():
        for incident, public_id in zip(group, public_ids[prefix], strict=True):
            incident.public_id = public_id


def _keep_timestamps(rows: list[ImportRow]) -> list[ImportRow]:
    """A file that carries created_at/updated_at (a native export) keeps those dates.

    Sets them on the records that keep them, and returns those whose dates they change.
    """
    stamped = []
    for row in rows:
        timestamps = row.imported.timestamps
        # A restored record keeps its dates; one the file changed was updated now.
        if not timestamps or not (row.new or not row.changed):
            continue
        # Compared with the stored dates, not the record in memory: a first attempt at the
        # batch (see Writer.save) may have stamped it already.
        stored = {} if row.new else row.stored_dates
        if any(stored.get(name) != value for name, value in timestamps.items()):
            for name, value in timestamps.items():
                setattr(row.incident, name, value)
            stamped.append(row)
    return stamped


def _insert_incidents(incidents: list[Incident]) -> bool:
    """Insert new incidents; True when their created_at and updated_at were written as set
    (bulk_create sets both to now: the caller then writes them)."""
    if not incidents:
        return True
    computed = derived.computed_columns()
    if not computed:
        dates = [(incident.created_at, incident.updated_at) for incident in incidents]
        bulk_writes.insert(incidents)
        for incident, (created_at, updated_at) in zip(incidents, dates, strict=True):
            incident.created_at, incident.updated_at = created_at, updated_at
        return False
    bulk_writes.insert(incidents, computed=computed)
    return True


def _update_incidents(rows: list[ImportRow]) -> None:
    """Write back what the file changed and what is derived, raising each version, in one
    UPDATE: a field one record changed and another did not is written back as it was stored
    (the rows are locked since they were read)."""
    if not rows:
        return
    for row in rows:
        row.incident.version = row.stored_version + 1
    changed = set().union(*(row.changed_fields for row in rows))
    computed = {"version": "t.version + 1", **derived.computed_columns()}
    fields = {*_field_names(changed), "updated_at", "updated_by", *derived.DERIVED}
    bulk_writes.update([row.incident for row in rows], sorted(fields), computed=computed)


def _field_names(attnames: Iterable[str]) -> set[str]:
    by_attname = {f.attname: f.name for f in Incident._meta.concrete_fields}
    return {by_attname[attname] for attname in attnames}


def _unwritten(error: Exception) -> Callable[[ImportRow], list[Problem]]:
    return lambda row: [Problem(row.number, "(row)", f"Could not be written: {error}")]
