"""Rows that say what their stored record already says, found set-based before any row is
read: a re-import of an unchanged file costs a comparison per row, not a validation.

For each batch, the records its rows name are fetched at once and written in the file's layout
by the export itself (COPY on PostgreSQL, the columns' Python elsewhere). A row whose cells
are the cells its record's export would write — each as a column reads it (read.cell_text:
spaces trimmed unless kept, the formula protection taken off) — is counted unchanged without
being read, matched or checked, as the whole way would count it. Columns the import does not
read (`ignore`) or writes anew (Column.rewritten, e.g. ACLED's `timestamp`) are not compared.

Only a published record that is not merged is taken this way, and only when one row of the
batch names it and no earlier row of the file did (dedup): anything else — a cell that
differs, a draft, a retracted or merged record, a repeat — goes the whole way (importer),
which reports it as before.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from operator import itemgetter
from typing import NamedTuple

from django.core.exceptions import ValidationError

from core import bulk_writes
from csvio.export import export_chunks
from csvio.imports.dedup import Seen
from csvio.imports.read import cell_text
from csvio.imports.report import UNCHANGED, ImportReport
from csvio.layouts.base import CellError, ImportedIncident, Preset, ignore
from incidents.models import Incident
from incidents.taxonomy import Status

Cells = dict[str, str]


class UnchangedRows:
    def __init__(self, preset: Preset, report: ImportReport, seen: Seen) -> None:
        self.preset, self.report, self.seen = preset, report, seen
        self.compared = [
            column
            for column in preset.columns
            if column.read is not ignore and not column.rewritten
        ]
        self._cells = itemgetter(*[column.name for column in self.compared])

    def left_out(self, batch: list[tuple[int, Cells]]) -> list[tuple[int, Cells]]:
        """The batch without the rows found unchanged, which are counted so."""
        keys = {number: self._key(cells) for number, cells in batch}
        records = self._records({key for key in keys.values() if key})
        # Rows naming one record (by one id, or by two) go the whole way, which tells them apart.
        naming = Counter(records[key].pk for key in keys.values() if key in records)
        exported = self._exported({record.pk for record in records.values()})
        same: dict[int, tuple[str, Named]] = {}
        for number, cells in batch:
            record = records.get(keys[number])
            if record and naming[record.pk] == 1 and self._same(cells, exported[record.pk]):
                same[number] = (keys[number], record)
        counted = self._named_first(same)
        for number in sorted(counted):
            record = same[number][1]
            self.report.add_fate(number, UNCHANGED, record.public_id, record.pk)
        return [(number, cells) for number, cells in batch if number not in counted]

    def _key(self, cells: Cells) -> str:
        """The id by which a row names its record, as the layout's first column reads it."""
        column = self.preset.columns[0]
        text = cell_text(cells, column.name, trimmed=not column.keeps_spaces)
        if "\x00" in text:  # no database could hold it (read.read_row reports it)
            return ""
        imported = ImportedIncident()
        try:
            column.read(imported, text)
        except (CellError, ValidationError, ValueError):
            return ""
        return imported.public_id or imported.event_id

    def _records(self, keys: set[str]) -> dict[str, Named]:
        """The records `keys` name, as the whole way matches them (match.stored_incidents,
        own_records): by public id in the native layout; in a dataset's, by the dataset's
        event id, else by public id. Only those published and not merged are kept."""
        if not keys:
            return {}
        fields = ("pk", "public_id", "status", "duplicate_of_id")
        found = {
            key: row
            for *row, key in Incident.objects.filter(
                bulk_writes.among("public_id", keys)
            ).values_list(*fields, "public_id")
        }
        if self.preset.dataset:
            events = Incident.objects.filter(
                bulk_writes.among("dataset_event_id", keys), dataset=self.preset.dataset
            )
            found.update(
                (key, row) for *row, key in events.values_list(*fields, "dataset_event_id")
            )
        return {
            key: Named(pk, public_id)
            for key, (pk, public_id, status, duplicate_of) in found.items()
            if status == Status.PUBLISHED and duplicate_of is None
        }

    def _exported(self, pks: set[int]) -> dict[int, Cells]:
        """The cells the layout's export writes for these records."""
        if not pks:
            return {}
        ordered = sorted(pks)
        incidents = Incident.objects.filter(bulk_writes.among("pk", ordered)).order_by("pk")
        text = "".join(export_chunks(incidents, self.preset, "csv"))
        return dict(zip(ordered, csv.DictReader(io.StringIO(text)), strict=True))

    def _same(self, cells: Cells, exported: Cells) -> bool:
        if self._cells(cells) == self._cells(exported):
            return True
        return all(
            cell_text(cells, column.name, trimmed=not column.keeps_spaces)
            == cell_text(exported, column.name, trimmed=not column.keeps_spaces)
            for column in self.compared
        )

    def _named_first(self, same: dict[int, tuple[str, Named]]) -> set[int]:
        """Of the rows found unchanged, those whose id and record no earlier row of the file
        named (dedup); they are remembered as named by them, so that a later row repeating
        one is reported the whole way, as before."""
        keys: dict[str, int] = {}
        for number, (key, record) in same.items():
            keys[f"id:{key}"] = number
            keys[f"record:{record.pk}"] = number
        earlier = {keys[key] for key, row in self.seen.first_rows(keys).items() if row != keys[key]}
        return set(same) - earlier


class Named(NamedTuple):
    """A stored record a row names."""

    pk: int
    public_id: str
