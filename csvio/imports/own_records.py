"""A dataset's layout never changes a record that came from elsewhere.

An export in ACLED's or UCDP's layout writes Tessera's own records with their public ids as
event ids. Such a layout holds less than the record (its title, quotes, attribution grades,
casualty ranges, point of origin): importing the row would lose the rest, so the record stays
as it is. A row that says what the record's own export in the layout says is unchanged; one
that says otherwise is a problem, column by column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from core import bulk_writes
from csvio.export import csv_lines, with_export_columns
from csvio.imports.dedup import Repeats
from csvio.imports.read import cell_text, read_row
from csvio.imports.report import UNCHANGED, ImportReport, Problem
from csvio.layouts.base import ImportedIncident, Preset, ignore
from incidents.models import Incident

Read = tuple[int, ImportedIncident, list[Problem]]  # a row's number, what it says, its problems


class OwnRecords:
    def __init__(self, preset: Preset, report: ImportReport, repeats: Repeats) -> None:
        self.preset, self.report, self.repeats = preset, report, repeats

    def left_out(self, rows: list[Read], cells: dict[int, dict[str, str]]) -> list[Read]:
        """The rows, but those naming a record from elsewhere: each counts as unchanged, or
        has its problems reported."""
        own = self._own_records([imported for _, imported, _ in rows])
        if not own:
            return rows
        exported = self._exported_rows([incident.pk for incident in own.values()])
        named = [
            (number, own[imported.event_id])
            for number, imported, _ in rows
            if imported.event_id in own
        ]
        again = self.repeats.matched_again(named, "names this record")
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
                self.report.rows_with_problems += 1
            else:
                self.report.add_fate(number, UNCHANGED, incident.public_id, incident.pk)
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

    def _said(
        self, cells: Mapping[str, str | None], number: int
    ) -> tuple[ImportedIncident, list[Problem]]:
        """What a row says, its actors and tags in any order (as related.Related compares
        them)."""
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


def _shortened(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
