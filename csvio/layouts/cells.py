"""Reading and writing cell values shared by the presets."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache

from csvio.layouts.base import CellError, ImportedIncident

# Several values in one cell go one per line; a line break or backslash inside a value is
# written as \n or \\ so that the cell splits back into the same values.
LINE_ESCAPES = (("\\", "\\\\"), ("\n", "\\n"), ("\r", "\\r"))


def join_lines(values: Iterable[object]) -> str:
    escaped = []
    for value in values:
        text = "" if value is None else str(value)
        for raw, escape in LINE_ESCAPES:
            text = text.replace(raw, escape)
        escaped.append(text)
    return "\n".join(escaped)


def split_lines(cell: str) -> list[str]:
    if not cell:
        return []
    values = []
    for line in cell.replace("\r\n", "\n").split("\n"):
        if "\\" not in line:
            values.append(line)  # nothing escaped: most lines
            continue
        text, out, index = line, [], 0
        while index < len(text):
            if text[index] == "\\" and index + 1 < len(text):
                out.append({"n": "\n", "r": "\r", "\\": "\\"}.get(text[index + 1], text[index + 1]))
                index += 2
            else:
                out.append(text[index])
                index += 1
        values.append("".join(out))
    return values


def read_date(text: str, *, required: bool = True) -> dt.date | None:
    if not text:
        if required:
            raise CellError("A date is required (YYYY-MM-DD).")
        return None
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else dt.date.fromisoformat(text)
    except ValueError as error:
        raise CellError(f"“{text}” is not a date (YYYY-MM-DD).") from error


def read_datetime(text: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise CellError(f"“{text}” is not a date and time (ISO 8601).") from error
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def read_count(text: str) -> int | None:
    """A whole number of people or munitions; empty means unknown."""
    if not text:
        return None
    try:
        number = float(text)
    except ValueError as error:
        raise CellError(f"“{text}” is not a whole number.") from error
    if not number.is_integer() or number < 0:
        raise CellError(f"“{text}” is not a whole number of 0 or more.")
    return int(number)


def read_float(text: str, what: str) -> float:
    try:
        number = float(text)
    except ValueError as error:
        raise CellError(f"“{text}” is not a {what} (a decimal number).") from error
    if not math.isfinite(number):
        raise CellError(f"“{text}” is not a {what} (a decimal number).")
    return number


def fold(text: str) -> str:
    """`text` for comparing names as people type them: without accents, case or outer spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    return (
        "".join(char for char in decomposed if not unicodedata.combining(char)).casefold().strip()
    )


# Letters and marks that have no ASCII form in Unicode's decomposition, as ASCII writes them.
ASCII_LETTERS = str.maketrans(
    {
        "æ": "ae",
        "Æ": "AE",
        "ð": "d",
        "Ð": "D",
        "đ": "d",
        "Đ": "D",
        "ħ": "h",
        "Ħ": "H",
        "ı": "i",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "þ": "th",
        "Þ": "Th",
        "ə": "a",
        "Ə": "A",
        "‘": "'",
        "’": "'",
        "ʻ": "'",
        "ʼ": "'",
    }
)


@cache
def ascii_folded(text: str) -> str:
    """`text` without accents and in ASCII letters where it has them: "Baghdād" → "Baghdad".

    Remembered: an export writes the same few place names over and over.
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare.translate(ASCII_LETTERS))


def keep(column: str) -> Callable[[ImportedIncident, str], None]:
    """A reader that keeps a dataset's cell as given, so that its export gives it back."""

    def read(imported: ImportedIncident, text: str) -> None:
        if text:
            imported.dataset_fields[column] = text

    return read
