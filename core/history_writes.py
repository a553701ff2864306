"""Writing the history entries of many records at once, as AuditTrail (simple_history) would
write them one by one.

An entry holds the record's values as stored, so it is copied from the record's row by one
INSERT … SELECT per chunk of ids, as simple_history's bulk_history_create() would write it from
the record in memory, but without building a historical instance per record. A deletion's
entries are copied before the rows are deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from core.bulk_writes import column_of, id_chunks
from core.models import field_of

CREATED, CHANGED, DELETED = "+", "~", "-"


@dataclass
class BulkHistory:
    """Who writes, in which role, why and when: what every entry written through this object
    says. One change dates all its entries alike, the records' and their rows', so that the
    rows of a record's version are told apart by date (incidents.versions)."""

    user: Any = None
    reason: str = ""
    role: str = ""
    date: dt.datetime = field(default_factory=timezone.now)

    def created(self, model: type[Model], ids: list[int], *, by: str = "") -> None:
        """Entries for the new rows of `model` whose `by` column (the primary key by default)
        is in `ids`."""
        self._copy(model, ids, CREATED, by)

    def changed(self, model: type[Model], ids: list[int]) -> None:
        self._copy(model, ids, CHANGED)

    def deleted(self, model: type[Model], ids: list[int]) -> None:
        """Entries for rows about to be deleted: call it before deleting them."""
        self._copy(model, ids, DELETED)

    def _copy(self, model: type[Model], ids: list[int], history_type: str, by: str = "") -> None:
        if not ids or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return
        historical = get_history_manager_for_model(model).model
        tracked = historical.tracked_fields
        connection = connections[model._default_manager.db]
        quote = connection.ops.quote_name
        user = self.user.pk if getattr(self.user, "is_authenticated", False) else None
        entry = {
            "history_date": self.date,
            "history_change_reason": self.reason,
            "history_type": history_type,
            "history_user": user,
            "history_role": self.role,
        }
        columns = [column_of(field_of(historical, f.name)) for f in tracked]
        columns += [column_of(field_of(historical, name)) for name in entry]
        values = [
            field_of(historical, name).get_db_prep_save(value, connection)
            for name, value in entry.items()
        ]
        copied = ", ".join(quote(column_of(f)) for f in tracked)
        column = quote(by or column_of(model._meta.pk))
        for chunk, condition in id_chunks(connection, column, ids, len(values)):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {quote(historical._meta.db_table)} "
                    f"({', '.join(quote(column) for column in columns)}) "
                    f"SELECT {copied}, {', '.join(['%s'] * len(values))} "
                    f"FROM {quote(model._meta.db_table)} WHERE {condition}",
                    [*values, *chunk],
                )
