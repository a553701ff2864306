"""Schemathesis hooks for the API's fuzzing (schemathesis.toml names this module)."""

from __future__ import annotations

import csv
import io

import schemathesis


@schemathesis.deserializer("text/csv")
def csv_file(ctx, response) -> str:
    """A CSV download, checked to be one (a header, then rows of as many cells), is validated
    as the text the schema documents."""
    text = response.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValueError("The CSV file has no header row.")
    ragged = [number for number, row in enumerate(rows[1:], 2) if len(row) != len(rows[0])]
    if ragged:
        raise ValueError(f"Rows {ragged} do not have the header's {len(rows[0])} cells.")
    return text
