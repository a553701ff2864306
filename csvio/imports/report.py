"""What an import tells the editor: counts, and each problem with its row and column."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    row: int  # the line number in the file; the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    preset: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0  # rows that match a stored incident and change nothing
    skipped: int = 0
    written: bool = False
    must_fix: bool = False  # problems that skipping bad rows cannot leave out
    # Where the file itself cannot be read (or lacks the layout's header): nothing is written.
    file_problem: Problem | None = None
    problems: list[Problem] = field(default_factory=list)
    created_actors: list[str] = field(default_factory=list)
    created_places: list[str] = field(default_factory=list)
    created_sources: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

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
        elif self.dry_run:
            outcome = "Dry run: nothing was written."
        elif self.written:
            outcome = "Written."
        elif self.must_fix:
            outcome = f"Nothing was written: {late}"
        else:
            outcome = "Nothing was written: fix the rows below, or skip bad rows."
        return (
            f"{counted(self.rows, 'row')} read: {counted(self.created, 'new incident')}, "
            f"{self.updated} updated, {self.unchanged} unchanged, "
            f"{counted(self.skipped, 'row')} skipped, {counted(len(self.problems), 'problem')}. "
            f"{outcome}"
        )

    def lines(self) -> list[str]:
        """The report for a terminal: a line per problem and per record created."""
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
        return out


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
