"""Reading a file: its header, and each row as the layout's columns read it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError

from csvio.export import FORMULA_PREFIXES
from csvio.imports.report import Problem
from csvio.layouts.base import CellError, ImportedIncident, Preset


def missing_columns(preset: Preset, header: Sequence[str] | None) -> list[str]:
    """The columns the layout needs that the file's header lacks."""
    return [
        column.name
        for column in preset.columns
        if not column.optional and column.name not in (header or [])
    ]


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
        text = cell_text(row, column.name)
        if "\x00" in text:  # no database stores it in text, and no one types it
            problems.append(Problem(number, column.name, "Holds a NUL character."))
            continue
        try:
            column.read(imported, text)
        except (CellError, ValidationError, ValueError) as error:
            problems.append(Problem(number, column.name, message_of(error)))
    return imported, problems


def cell_text(row: Mapping[str, str | None], name: str) -> str:
    """A cell as a column reads it: without surrounding spaces or the export's formula
    protection (a leading ')."""
    # Spaces only: a cell of several lines may begin with an empty line (an empty value).
    text = (row.get(name) or "").strip(" \t")
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def message_of(error: Exception) -> str:
    return "; ".join(getattr(error, "messages", None) or [str(error)])
