"""Reading a file: its lines, its header and records, and each row as the layout's columns
read it."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from csvio.export import FORMULA_PREFIXES
from csvio.imports.report import Problem
from csvio.layouts.base import CellError, ImportedIncident, Preset


class NotUtf8(Exception):
    """A line of the file that does not decode as UTF-8."""

    def __init__(self, line: int):
        super().__init__(f"Line {line} is not UTF-8 text; save the file as CSV UTF-8 and retry.")
        self.line = line


# A carriage return alone ends a line too (old Mac files), as in a file opened in text mode.
_AFTER_LONE_CR = re.compile(r"(?<=\r)(?!\n)")


def text_lines(raw: Iterable[bytes]) -> Iterator[str]:
    """A UTF-8 file opened in binary mode, as the csv module reads text: line by line, each
    line with its ending, without a byte order mark; a line that does not decode raises
    NotUtf8 naming it. (A text-mode file decodes ahead, a block at a time, and so cannot say
    which line failed.)"""
    decoder = codecs.getincrementaldecoder("utf-8")()
    read = 0  # lines, as the csv module counts them
    try:
        for data in raw:
            text = decoder.decode(data)
            if not read:
                text = text.removeprefix("\ufeff")
            for line in _AFTER_LONE_CR.split(text) if "\r" in text else [text]:
                if line:
                    read += 1
                    yield line
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise NotUtf8(read + 1) from error


class Records:
    """A CSV file's header and rows, each row with its number (the header is row 1), read
    until the end or until the first place where the file cannot be read on: `problem` then
    says where and why (a file cut short inside a quoted cell, a cell over the size limit, a
    line that is not UTF-8, quoting that is not CSV)."""

    def __init__(self, lines: Iterable[str]):
        # The csv module's limit is per process; every import sets the same one.
        csv.field_size_limit(settings.IMPORT_MAX_FIELD_CHARS)
        # Strict: a file that ends inside a quoted cell is an error, not a shorter last row.
        self.reader = csv.DictReader(lines, strict=True)
        self.problem: Problem | None = None
        self.row = 1

    def header(self) -> Sequence[str] | None:
        try:
            return self.reader.fieldnames
        except (csv.Error, NotUtf8) as error:
            self.problem = self._problem(error, row=1, starts_at=1)
            return None

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        while self.problem is None:
            last_line = self.reader.reader.line_num
            try:
                cells = next(self.reader)
            except StopIteration:
                return
            except (csv.Error, NotUtf8) as error:
                self.problem = self._problem(error, row=self.row + 1, starts_at=last_line + 1)
                return
            self.row += 1
            yield self.row, cells

    def _problem(self, error: Exception, *, row: int, starts_at: int) -> Problem:
        line = self.reader.reader.line_num  # DictReader's own is the last whole row's
        text = str(error)
        if isinstance(error, NotUtf8):
            message = text
        elif text == "unexpected end of data":
            message = (
                f"The file ends inside a quoted cell of this row (from line {starts_at}): "
                "it looks cut short; import the whole file."
            )
        elif text.startswith("field larger than field limit"):
            message = (
                f"A cell on line {line} is longer than {settings.IMPORT_MAX_FIELD_CHARS:,} "
                "characters, the limit for a cell (IMPORT_MAX_FIELD_CHARS)."
            )
        elif "expected after" in text:
            message = (
                f"A quoted cell on line {line} goes on after its closing quote; quote the "
                'whole cell and double each quote inside it ("").'
            )
        else:
            message = f"Line {line} cannot be read as CSV: {text}."
        return Problem(row, "", message)


def batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def read_row(
    preset: Preset, row: Mapping[str, str | None], number: int
) -> tuple[ImportedIncident, list[Problem]]:
    """What a row says, and the cells its columns cannot read."""
    imported = ImportedIncident(row=number)
    problems = []
    for column in preset.columns:
        text = cell_text(row, column.name, trimmed=not column.keeps_spaces)
        if "\x00" in text:  # no database stores it in text, and no one types it
            problems.append(Problem(number, column.name, "Holds a NUL character."))
            continue
        try:
            column.read(imported, text)
        except (CellError, ValidationError, ValueError) as error:
            problems.append(Problem(number, column.name, message_of(error)))
    return imported, problems


def cell_text(row: Mapping[str, str | None], name: str, *, trimmed: bool = True) -> str:
    """A cell as a column reads it: without surrounding spaces (unless not `trimmed`) or the
    export's formula protection (a leading ')."""
    text = row.get(name) or ""
    if trimmed:
        # Spaces only: a cell of several lines may begin with an empty line (an empty value).
        text = text.strip(" \t")
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def message_of(error: Exception) -> str:
    return "; ".join(getattr(error, "messages", None) or [str(error)])
