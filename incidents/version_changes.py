"""Reading the audit trail: the versions of an incident and what changed between them.

django-simple-history writes a version on every save, delete and import (the models declare
`history = HistoricalRecords()`); this module turns versions into the field-by-field changes
that the API shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

# Every save changes these; listing them would hide the real changes.
BOOKKEEPING_FIELDS = ["version", "updated_at", "updated_by"]
# The editors' comments to authors: part of the workflow, shown to analysts and editors only.
EDITORIAL_FIELDS = ["review_note"]
# What the public is never shown of a version: those comments, and the account that created the
# record (the public sees the role of each change instead).
STAFF_ONLY_FIELDS = [*EDITORIAL_FIELDS, "created_by"]


def with_changes(records: list, older: Any | None, *, hidden: Iterable[str] = ()) -> list:
    """Give each version (newest first) its `field_changes` since the version before it.

    `older` is the version before the last one of `records` (None when the last one is the
    first version), so that a page of versions needs one extra row, not one query each.
    Changes of the fields in `hidden` are left out.
    """
    if not records:  # an empty page: no version to compare (nor is `older` set)
        return records
    befores = [*records[1:], older]
    for record, before in zip(records, befores, strict=True):
        record.field_changes = changes_between(before, record, hidden=hidden)
    return records


def changes_between(before, after, *, hidden: Iterable[str] = ()) -> list[dict[str, Any]]:
    if before is None or after.history_type == "-":
        return []
    delta = after.diff_against(
        before, excluded_fields=[*BOOKKEEPING_FIELDS, *hidden], foreign_keys_are_objs=False
    )
    return [
        {"field": change.field, "old": _plain(change.old), "new": _plain(change.new)}
        for change in delta.changes
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
