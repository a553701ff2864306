"""Importing incidents from a CSV file in one of the layouts.

A row that says what its stored record's export says is counted unchanged at once (unchanged).
Every other row is read by the layout's columns (read), matched with the records it names (match),
checked by the models' own rules (validate), and written with its links (write, links); the
report (report) lists each problem with its row number and column. The file is read once
before that, for the public ids its rows name (named_ids): no new record takes one. By
default nothing is written when any row fails (the whole import is one transaction, rolled
back); `skip_bad_rows` writes the good rows only, and `dry_run` writes nothing but reports
what would happen.
Actors, places and sources are matched by name, coordinates and URL, and created when missing
unless `create_missing` is off. Re-importing a file updates the incidents it created, matched
by the dataset's own event id; a dataset's layout never changes a record that came from
elsewhere (own_records). A file that cannot be read to its end (cut short inside a quoted
cell, a cell over the size limit, a line that is not UTF-8) writes nothing. Rows are handled
in batches with bulk writes, and what must be remembered for the whole file is kept in the
database (dedup), so memory stays flat.

The audit trail sees an import as the ORM would: every incident it creates or changes gets
one history entry (with the importing user, and the file as the reason) and a new version;
so do the actor rows and citations it writes or replaces and the actors, places and sources
it creates. A row that changes nothing writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TextIO

from django.db import transaction

from accounts.roles import IMPORT
from core.history_writes import BulkHistory
from csvio.imports import derived
from csvio.imports.dedup import Repeats, Seen
from csvio.imports.detect import layout_of
from csvio.imports.links import Links
from csvio.imports.match import References, matched_row, stored_incidents
from csvio.imports.named_ids import Spooled, highest_numbers
from csvio.imports.own_records import OwnRecords
from csvio.imports.read import Records, batches, read_row
from csvio.imports.report import ImportReport, Problem
from csvio.imports.row import ImportRow
from csvio.imports.unchanged import UnchangedRows
from csvio.imports.validate import RowChecks
from csvio.imports.write import Writer
from csvio.layouts.base import ImportedIncident, Preset
from incidents.models import PublicIdCounter

BATCH_SIZE = 5000


class _Rollback(Exception):
    """Leaves the import's transaction without writing anything."""


def import_incidents(
    file: Iterable[str],
    preset: Preset | None = None,
    *,
    dry_run: bool = False,
    create_missing: bool = True,
    skip_bad_rows: bool = False,
    user=None,
    file_name: str = "",
    progress: Callable[[int], None] | None = None,
    row_file: TextIO | None = None,
) -> ImportReport:
    """Import `file` (its lines: a file opened in text mode with newline="", or
    read.text_lines of one opened in binary mode) in the layout `preset`, or the one its header
    fits when None (detect); `user` and `file_name` are what the history of each record says;
    each row's fate is written to `row_file` as CSV when given."""
    spooled = Spooled(file)
    try:
        highest_public_ids = highest_numbers(spooled, preset)
        return _import(
            spooled.second_reading(),
            preset,
            highest_public_ids,
            dry_run=dry_run,
            create_missing=create_missing,
            skip_bad_rows=skip_bad_rows,
            user=user,
            file_name=file_name,
            progress=progress,
            row_file=row_file,
        )
    finally:
        spooled.close()


def _import(
    file: Iterable[str],
    chosen: Preset | None,
    highest_public_ids: dict[str, int],
    *,
    dry_run: bool,
    create_missing: bool,
    skip_bad_rows: bool,
    user,
    file_name: str,
    progress: Callable[[int], None] | None,
    row_file: TextIO | None,
) -> ImportReport:
    report = ImportReport(
        preset=chosen.name if chosen else "",
        detected=chosen is None,
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
        row_file=row_file,
    )
    records = Records(file)
    header = records.header()
    # layout_of gives a layout, or the problem that there is none.
    preset, problem = (None, records.problem) if records.problem else layout_of(header, chosen)
    if preset is None:
        report.file_problem = problem
        report.problems += [problem] if problem else []
        return report
    report.preset, report.label = preset.name, preset.label

    what = f"{file_name} ({preset.name} layout)" if file_name else f"a {preset.name} CSV file"
    history = BulkHistory(user=user, reason=f"Imported from {what}", role=IMPORT)
    seen = None
    try:
        with transaction.atomic(), derived.deferred_refreshes():
            # Before any row: no new record takes an id that a row names (named_ids).
            PublicIdCounter.reserve_up_to_many(highest_public_ids)
            seen = Seen()
            importer = Importer(
                preset, report, create_missing=create_missing, history=history, seen=seen
            )
            for batch in batches(records, BATCH_SIZE):
                importer.import_batch(batch)
                if progress:
                    progress(report.rows)
            importer.finish()
            # Rows that links found wrong only at the end are written: no skipping them.
            report.must_fix = importer.links.refused_late
            if records.problem is not None:
                report.file_problem = records.problem
                report.problems.append(records.problem)
            failed = (
                report.must_fix or report.file_problem or (report.problems and not skip_bad_rows)
            )
            if dry_run or failed:
                raise _Rollback
            derived.refresh_public_records()
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


class Importer:
    """One file's import, batch by batch: each step hands the next the rows it kept."""

    def __init__(
        self,
        preset: Preset,
        report: ImportReport,
        *,
        create_missing: bool,
        history: BulkHistory,
        seen: Seen,
    ):
        self.preset, self.report = preset, report
        self.user = history.user if getattr(history.user, "is_authenticated", False) else None
        self.checks = RowChecks(preset, self.user)
        self.references = References(
            report, preset=preset, create_missing=create_missing, history=history
        )
        self.unchanged = UnchangedRows(preset, report, seen)
        self.repeats = Repeats(seen, report, column=preset.columns[0].name)
        self.own_records = OwnRecords(preset, report, self.repeats)
        self.links = Links(
            report=report,
            history=history,
            user=self.user,
            column_of=preset.column_of_field,
            rules=self.checks.incidents,
        )
        self.writer = Writer(
            report,
            checks=self.checks,
            references=self.references,
            history=history,
            user=self.user,
        )

    def import_batch(self, batch: list[tuple[int, dict[str, str]]]) -> None:
        """Read, match, check and write a batch of (row number, cells); each step reports
        the rows it refuses and hands the others on. Rows that say what their records say
        already are counted first, and go no further (unchanged)."""
        self.report.rows += len(batch)
        batch = self.unchanged.left_out(batch)
        if not batch:
            self.report.end_batch()
            return
        read = [(number, *read_row(self.preset, cells, number)) for number, cells in batch]
        clean = []
        for number, imported, problems in self.own_records.left_out(read, dict(batch)):
            if problems:
                self._refused(self.checks.unread_problems(imported, problems))
            else:
                clean.append((number, imported))
        clean = self.repeats.without_repeated_ids(clean)
        self.references.prepare([imported for _, imported in clean])
        # Only a row that reads cleanly may create actors, places and sources.
        found = [
            imported
            for _, imported in clean
            if not self._refused(self.references.problems(imported))
        ]
        rows = self._matched(found)
        named = self.links.targets([row.imported for row in rows])
        again = self.repeats.matched_again([(row.number, row.incident) for row in rows])
        valid = [
            row
            for row in rows
            if not self._refused(
                self.checks.problems(
                    row, self.links.problems(row, named), again.get(row.number, [])
                )
            )
        ]
        # Before the batch's savepoint, whose rollback (see Writer.save) would take a new tag
        # along while References kept it.
        for row in valid:
            for name in row.imported.tags:
                self.references.tag(name)
        self.links.written(self.writer.save(valid), named)
        self.report.end_batch()

    def _matched(self, found: list[ImportedIncident]) -> list[ImportRow]:
        stored = stored_incidents(found, self.preset.dataset)
        return [
            matched_row(
                imported,
                stored,
                preset=self.preset,
                references=self.references,
                user=self.user,
            )
            for imported in found
        ]

    def _refused(self, problems: list[Problem]) -> bool:
        """Report a row's problems, if any: the row is left out."""
        if problems:
            self.report.problems += problems
            self.report.rows_with_problems += 1
        return bool(problems)

    def finish(self) -> None:
        self.links.finish()
        self.report.end_batch()
