"""What an import knows of one row while it matches, checks and writes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from csvio.layouts.base import ImportedIncident
from incidents.models import Incident


@dataclass
class ImportRow:
    """A row of the file, the record it writes, and that record as it was stored.

    `incident` is the stored record with the file's values set on it (or a new record);
    the `stored_*` fields say what it held before, for the rules that judge a change (the
    workflow, the merges) and for what is written back.
    """

    imported: ImportedIncident
    incident: Incident
    # No record was stored for the row: it creates one (again, when a batch is retried).
    new: bool
    stored_version: int
    stored_status: str | None
    stored_duplicate_of: int | None
    stored_dates: dict[str, dt.datetime | None]
    # The fields (by attname) whose stored values the file changes.
    changed_fields: set[str] = field(default_factory=set)
    # Whether the row changes the record: its fields, its actor rows, citations or tags.
    changed: bool = False

    @property
    def number(self) -> int:
        """The row's line in the file (the header is line 1)."""
        return self.imported.row
