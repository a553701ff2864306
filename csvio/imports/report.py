"""What an import tells the editor: the layout it read, counts, each row's fate (new, updated,
unchanged, or its problems, each with its row and column), and the records it created.

Counts are exact however long the file; the fates of the first ROWS_KEPT rows are kept for
the page, and every row's fate is written to `row_file` (a CSV) when one is given, so memory
stays flat.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import TextIO

NEW, UPDATED, UNCHANGED, PROBLEM = "new", "updated", "unchanged", "problem"
ROWS_KEPT = 1000
ROW_FILE_HEADER = ["row", "fate", "public_id", "problems"]


@dataclass(frozen=True)
class Problem:
    row: int  # the line number in the file; the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class RowFate:
    """What the import does (or would do) with a row: NEW, UPDATED, UNCHANGED or PROBLEM."""

    row: int
    fate: str
    public_id: str = ""  # the record's, when it has one (a new record's is given when written)
    pk: int | None = None  # the stored record a row updates or leaves unchanged
    problems: tuple[Problem, ...] = ()

    def cells(self) -> list[str]:
        said = "; ".join(
            f"{p.column}: {p.message}" if p.column else p.message for p in self.problems
        )
        return [str(self.row), self.fate, self.public_id, said]


@dataclass
class ImportReport:
    preset: str  # the layout the file was read in ("" when it fits none)
    label: str = ""  # that layout's label
    detected: bool = False  # the layout was read from the header, not chosen
    dry_run: bool = False
    skip_bad_rows: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0  # rows that match a stored incident and change nothing
    rows_with_problems: int = 0  # left out; "skipped" only when skipping them was asked
    written: bool = False
    must_fix: bool = False  # problems that skipping bad rows cannot leave out
    # Where the file itself cannot be read (or lacks the layout's header): nothing is written.
    file_problem: Problem | None = None
    problems: list[Problem] = field(default_factory=list)
    created_actors: list[str] = field(default_factory=list)
    created_places: list[str] = field(default_factory=list)
    created_sources: list[str] = field(default_factory=list)
    # The fates of the file's first ROWS_KEPT rows, in the file's order.
    row_fates: list[RowFate] = field(default_factory=list)
    row_file: TextIO | None = field(default=None, repr=False)
    # The fates of the rows of the batch being imported, and where its problems begin.
    _batch: list[RowFate] = field(default_factory=list, repr=False)
    _batch_problems: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        self._rows_out = csv.writer(self.row_file) if self.row_file is not None else None
        if self._rows_out is not None:
            self._rows_out.writerow(ROW_FILE_HEADER)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def all_rows_kept(self) -> bool:
        return len(self.row_fates) >= self.rows

    @property
    def problems_not_listed(self) -> list[Problem]:
        """The problems of rows after those in row_fates (of the file itself, among them)."""
        last = self.row_fates[-1].row if self.row_fates else 0
        return [problem for problem in self.problems if problem.row > last]

    def add_fate(self, row: int, fate: str, public_id: str = "", pk: int | None = None) -> None:
        """A row written (or that would be) without problems; `pk` is the stored record's."""
        if fate == NEW:
            self.created += 1
        elif fate == UPDATED:
            self.updated += 1
        else:
            self.unchanged += 1
        self._batch.append(RowFate(row, fate, public_id=public_id, pk=pk))

    def end_batch(self) -> None:
        """Keep (and write out) the fates of the batch's rows, its problem rows among them,
        in the file's order."""
        by_row: dict[int, list[Problem]] = {}
        for problem in self.problems[self._batch_problems :]:
            by_row.setdefault(problem.row, []).append(problem)
        self._batch_problems = len(self.problems)
        late = {fate.row for fate in self._batch} & set(by_row)
        fates = [fate for fate in self._batch if fate.row not in late]
        fates += [RowFate(row, PROBLEM, problems=tuple(found)) for row, found in by_row.items()]
        fates.sort(key=lambda fate: fate.row)
        self._batch = []
        kept = {fate.row: i for i, fate in enumerate(self.row_fates)}
        for fate in fates:
            if fate.row in kept:  # found wrong once the whole file was read (see links)
                self.row_fates[kept[fate.row]] = fate
            elif len(self.row_fates) < ROWS_KEPT:
                self.row_fates.append(fate)
            if self._rows_out is not None:
                self._rows_out.writerow(fate.cells())

    def summary(self) -> str:
        late = (
            "some rows below link to records in a way found wrong only once the whole file "
            "was read; fix them (skipping bad rows cannot)."
        )
        if self.file_problem:
            outcome = (
                "Nothing was written: the file cannot be imported as it is; "
                f"see row {self.file_problem.row} below."
            )
        elif self.dry_run and self.must_fix:
            outcome = f"Dry run: nothing was written, and importing would write nothing: {late}"
        elif self.dry_run and self.problems and not self.skip_bad_rows:
            outcome = (
                "Dry run: nothing was written, and importing would write nothing: fix the rows "
                "below, or skip bad rows."
            )
        elif self.dry_run:
            outcome = "Dry run: nothing was written."
        elif self.written:
            outcome = "Written."
        elif self.must_fix:
            outcome = f"Nothing was written: {late}"
        else:
            outcome = "Nothing was written: fix the rows below, or skip bad rows."
        counts = (
            f"{counted(self.created, 'new incident')}, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self._left_out()}"
        )
        if self.failed:
            # Nothing of it is in the database: say so first, and the counts as what the
            # file would have done, never as if it had.
            return (
                f"{self.layout_note()}{outcome} Had it been written, its "
                f"{counted(self.rows, 'row')} would have made {counts}."
            )
        return f"{self.layout_note()}{counted(self.rows, 'row')} read: {counts}. {outcome}"

    @property
    def failed(self) -> bool:
        """A real import that wrote nothing."""
        return not self.dry_run and not self.written

    def layout_note(self) -> str:
        if not self.preset:
            return ""
        how = "detected from the header" if self.detected else "as chosen"
        return f"Read in the {self.label or self.preset} layout ({how}). "

    def _left_out(self) -> str:
        rows = counted(self.rows_with_problems, "row")
        problems = counted(len(self.problems), "problem")
        if not self.skip_bad_rows or self.must_fix or self.file_problem:
            return f"{rows} with problems ({problems})"
        if self.written:
            return f"{rows} skipped ({problems})"
        return f"{rows} to skip ({problems})"

    def lines(self) -> list[str]:
        """The report for a terminal: a line per problem and per record created, and in a
        dry run each row's fate (of the first ROWS_KEPT rows)."""
        out = [self.summary()]
        out += [f"  {problem}" for problem in self.problems]
        for what, names in (
            ("actor", self.created_actors),
            ("place", self.created_places),
            ("source", self.created_sources),
        ):
            if names:
                verb = "would be created" if not self.written else "created"
                out.append(f"{counted(len(names), f'new {what}')} ({verb}):")
                out += [f"  {name}" for name in names]
        if self.dry_run and self.row_fates:
            out.append("Rows:")
            out += [f"  row {f.row}: {f.fate} {f.public_id}".rstrip() for f in self.row_fates]
            if not self.all_rows_kept:
                out.append(f"  … the first {ROWS_KEPT:,} rows of {self.rows:,}.")
        return out


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
