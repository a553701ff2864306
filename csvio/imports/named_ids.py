"""The public ids a file names, found before any of its rows is written.

A new record takes the next public id of its prefix (`ISO3-YEAR`). A row may name a public id
as its own (the native layout's `public_id`), as its event id (an export in ACLED's or UCDP's
layout writes Tessera's records with their public ids as event ids) or as a record it links
to. Were new records numbered batch by batch, one could take an id that a later row names, and
that row would then match the new record instead of its own: re-importing an export would
lose rows. So the import reads the file once, column by column where a layout's cells hold ids
(Column.ids), finds the highest number each prefix has in it, and moves the counters past them
before writing anything.

The file comes as it is read (an upload, a pipe): the first reading copies its lines to a
temporary file on disk, which the second reads, so memory stays flat however long the file.
"""

from __future__ import annotations

import re
import struct
import tempfile
from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError

from csvio.imports.detect import layout_of
from csvio.imports.read import NotUtf8, Records, cell_text
from csvio.layouts.base import CellError, ImportedIncident, Preset

PUBLIC_ID = re.compile(r"^([A-Z]{3}-\d{4})-(\d+)$")
# Each line is stored after its length in bytes: read back exactly as it was given.
_LENGTH = struct.Struct("<Q")


class Spooled:
    """A file's lines, copied to disk as they are read the first time, then read again."""

    def __init__(self, lines: Iterable[str]):
        self.lines = lines
        # Read twice, so open until close() (import_incidents closes it, whatever happens).
        self.file = tempfile.TemporaryFile()  # noqa: SIM115
        # Where the file could not be decoded: reading it again stops there too.
        self.error: NotUtf8 | None = None

    def first_reading(self) -> Iterator[str]:
        try:
            for line in self.lines:
                data = line.encode("utf-8", "surrogatepass")
                self.file.write(_LENGTH.pack(len(data)))
                self.file.write(data)
                yield line
        except NotUtf8 as error:
            self.error = error

    def second_reading(self) -> Iterator[str]:
        self.file.seek(0)
        while size := self.file.read(_LENGTH.size):
            yield self.file.read(_LENGTH.unpack(size)[0]).decode("utf-8", "surrogatepass")
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self.file.close()


def highest_numbers(spooled: Spooled, chosen: Preset | None) -> dict[str, int]:
    """Prefix → the highest number of the public ids that the file's rows name, read by the
    layout `chosen` or detected (detect.layout_of); the whole file is copied (a file that
    cannot be read to its end, or in no layout, is reported by the second reading)."""
    lines = spooled.first_reading()
    records = Records(lines)
    header = records.header()
    preset, _ = layout_of(header, chosen)
    columns = [column for column in preset.columns if column.ids] if preset else []
    highest: dict[str, int] = {}
    if columns:
        for _, cells in records:
            for public_id in _named(columns, cells):
                if match := PUBLIC_ID.match(public_id):
                    prefix, number = match.group(1), int(match.group(2))
                    if number > highest.get(prefix, 0):
                        highest[prefix] = number
    for _ in lines:  # what is left after a line that is not CSV
        pass
    return highest


def _named(columns, cells: dict[str, str]) -> list[str]:
    """The ids a row's id columns give, as the columns read them."""
    read = ImportedIncident()
    for column in columns:
        try:
            column.read(read, cell_text(cells, column.name))
        except (CellError, ValidationError, ValueError):
            continue  # the second reading reports it
    return [
        read.public_id,
        read.event_id,
        read.duplicate_of,
        *(public_id for _, public_id in read.relations),
    ]
