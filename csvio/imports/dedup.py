"""What an import has seen so far, kept in the database so that its memory stays flat, and
the rows that repeat an earlier one.

An import remembers, for the whole file, every id its rows gave and every stored record they
matched, with the first row that did: a repeat is a problem, not a second update. Millions of
rows would take hundreds of megabytes of Python dicts; a temporary table holds them instead,
read and extended once per batch. Keys are stored as digests: an id may be as long as a bad
file makes it, and an index takes only so much.
"""

from __future__ import annotations

import hashlib

from django.db import connections

from csvio.imports.report import ImportReport, Problem
from csvio.layouts.base import ImportedIncident
from incidents.models import Incident

TABLE = "tessera_import_seen"
# Keys per statement on SQLite, under its limit of bound parameters.
SQLITE_CHUNK = 900


class Seen:
    def __init__(self, using: str = "default"):
        self.connection = connections[using]
        with self.connection.cursor() as cursor:
            # Left over by an import whose transaction went on (a test's, or a dry run's caller).
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {TABLE} "
                "(seen_key text PRIMARY KEY, first_row integer NOT NULL)"
            )

    def first_rows(self, keys: dict[str, int]) -> dict[str, int]:
        """Of `keys` (key → the row giving it now), those that earlier rows gave, with the
        first row that did; the others are remembered as given by their rows."""
        if not keys:
            return {}
        key_of = {_digest(key): key for key in keys}
        rows = {digest: keys[key] for digest, key in key_of.items()}
        return {key_of[digest]: row for digest, row in self._first_rows(rows).items()}

    def _first_rows(self, keys: dict[str, int]) -> dict[str, int]:
        with self.connection.cursor() as cursor:
            found = self._found(cursor, list(keys))
            new = [key for key in keys if key not in found]
            if self.connection.vendor == "postgresql":
                cursor.execute(
                    f"INSERT INTO {TABLE} (seen_key, first_row) "
                    "SELECT * FROM unnest(%s::text[], %s::integer[])",
                    [new, [keys[key] for key in new]],
                )
            else:
                cursor.executemany(
                    f"INSERT INTO {TABLE} (seen_key, first_row) VALUES (%s, %s)",
                    [(key, keys[key]) for key in new],
                )
            return found

    def _found(self, cursor, digests: list[str]) -> dict[str, int]:
        if self.connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT seen_key, first_row FROM {TABLE} WHERE seen_key = ANY(%s)", [digests]
            )
            return dict(cursor.fetchall())
        found = {}
        for start in range(0, len(digests), SQLITE_CHUNK):
            chunk = digests[start : start + SQLITE_CHUNK]
            cursor.execute(
                f"SELECT seen_key, first_row FROM {TABLE} "
                f"WHERE seen_key IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            found.update(cursor.fetchall())
        return found

    def close(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def _digest(key: str) -> str:
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Repeats:
    """The rows that repeat an earlier row of the file: its id, or the stored record it
    matched. Each is a problem on its row, not a second update."""

    def __init__(self, seen: Seen, report: ImportReport, column: str) -> None:
        self.seen, self.report = seen, report
        self.column = column  # where a repeat is reported: the layout's first column

    def without_repeated_ids(
        self, rows: list[tuple[int, ImportedIncident]]
    ) -> list[tuple[int, ImportedIncident]]:
        """Leaves out a row whose id an earlier row had."""
        first_row_of: dict[str, int] = {}  # id → the first row of this batch that had it
        for number, imported in reversed(rows):
            key = imported.public_id or imported.event_id
            if key:
                first_row_of[f"id:{key}"] = number
        first_row_of.update(self.seen.first_rows(first_row_of))
        kept = []
        for number, imported in rows:
            key = imported.public_id or imported.event_id
            first = first_row_of.get(f"id:{key}", number) if key else number
            if first != number:
                message = f"Row {first} already has the id “{key}”."
            else:
                kept.append((number, imported))
                continue
            self.report.problems.append(Problem(number, self.column, message))
            self.report.rows_with_problems += 1
        return kept

    def matched_again(
        self, rows: list[tuple[int, Incident]], what: str = "updates this incident"
    ) -> dict[int, list[Problem]]:
        """The rows whose stored incident an earlier row matched by another id (its public
        id, then its dataset's event id): a problem each, not a second update."""
        stored = [(number, incident) for number, incident in rows if incident.pk is not None]
        first_row_of = {f"record:{incident.pk}": number for number, incident in reversed(stored)}
        first_row_of.update(self.seen.first_rows(first_row_of))
        again = {}
        for number, incident in stored:
            first = first_row_of[f"record:{incident.pk}"]
            if first != number:
                message = f"Row {first} already {what} ({incident.public_id})."
                again[number] = [Problem(number, self.column, message)]
        return again
