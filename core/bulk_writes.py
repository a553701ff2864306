"""Writing many rows at once, as an import does.

On PostgreSQL rows travel through `COPY … FROM STDIN`, which psycopg feeds from Python values
without building SQL text. Django binds parameters on the client, so bulk_create's placeholder
per value, or an array per column, is quoted and escaped in Python: that was most of an
import's time. New rows take their ids from the table's sequence first, so nothing has to
come back from the database. Rows whose columns PostgreSQL computes (`computed`: a search
vector, a version raised) are staged in a temporary table and written from there by one
INSERT … SELECT or UPDATE … FROM.

Elsewhere (SQLite, for local runs) bulk_create and UPDATE … FROM (VALUES …) do the work.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router
from django.db.models import F, Field, Model
from django.db.models.lookups import In

from core.models import field_of

BATCH_SIZE = 5000


def insert(records: Sequence[Model], *, computed: Mapping[str, str] | None = None) -> None:
    """bulk_create(`records`), setting their ids; dates a record already holds are kept.

    `computed` maps columns to SQL expressions over the staged row (`s.<column>`), on
    PostgreSQL only.
    """
    if not records:
        return
    model = type(records[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(records, batch_size=BATCH_SIZE)
        return
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.generated and f.column not in (computed or {})
    ]
    for record, pk in zip(records, reserve_ids(model, len(records)), strict=True):
        record.pk = pk
        record._state.adding = False
        record._state.db = model._default_manager.db
    _copy_in(
        model, [column_of(f) for f in fields], _prepared_rows(fields, records, connection), computed
    )


def insert_values(
    model: type[Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    computed: Mapping[str, str] | None = None,
) -> None:
    """Insert rows given as values of the fields `names` (no model instance per row);
    `computed` as for insert()."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=BATCH_SIZE
        )
        return
    fields = [field_of(model, name) for name in names]
    preparers = [_preparer(f, connection) for f in fields]
    if all(prepare is _as_is for prepare in preparers):
        prepared: Iterable[Sequence[Any]] = rows
    else:
        prepared = (
            [prepare(value) for prepare, value in zip(preparers, row, strict=True)] for row in rows
        )
    _copy_in(model, [column_of(f) for f in fields], prepared, computed)


def upsert_values(
    model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]], *, unique: str
) -> None:
    """Insert rows given as values of the fields `names`, or overwrite the other fields of the
    row that holds the same `unique` field (its first name), as
    bulk_create(update_conflicts=True) does, but through COPY on PostgreSQL."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    updated = [name for name in names if name != unique]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**dict(zip(names, row, strict=True))) for row in rows],
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=[unique],
            update_fields=updated,
        )
        return
    quote = connection.ops.quote_name
    columns = [column_of(field_of(model, name)) for name in names]
    assignments = ", ".join(
        f"{quote(column)} = EXCLUDED.{quote(column)}"
        for column in (column_of(field_of(model, name)) for name in updated)
    )
    listed = ", ".join(map(quote, columns))
    conflict = quote(column_of(field_of(model, unique)))
    with _staged(model, columns) as staged:
        copy_rows(model, columns, rows, table=staged)
        _execute(
            connection,
            f"INSERT INTO {quote(model._meta.db_table)} ({listed}) SELECT {listed} FROM {staged} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {assignments}",
        )


def _copy_in(
    model: type[Model],
    columns: list[str],
    rows: Iterable[Sequence[Any]],
    computed: Mapping[str, str] | None,
) -> None:
    """COPY the rows into the table, or through a staged table when columns are `computed`."""
    if not computed:
        copy_rows(model, columns, rows)
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    with _staged(model, columns) as staged:
        copy_rows(model, columns, rows, table=staged)
        targets = [*columns, *computed]
        sources = [f"s.{quote(column)}" for column in columns] + list(computed.values())
        _execute(
            connection,
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, targets))}) "
            f"SELECT {', '.join(sources)} FROM {staged} AS s",
        )


def update(
    records: Sequence[Model], names: Iterable[str], *, computed: Mapping[str, str] | None = None
) -> None:
    """Write the fields `names` of `records`, and `computed` (column → SQL over the stored
    row `t` and the new values `s`), in one UPDATE … FROM per chunk."""
    if not records:
        return
    model = type(records[0])
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.pk, *(field_of(model, name) for name in names)]
    columns = [column_of(f) for f in fields]
    assignments = [f"{quote(column)} = s.{quote(column)}" for column in columns[1:]]
    assignments += [f"{quote(column)} = {sql}" for column, sql in (computed or {}).items()]
    pk = quote(columns[0])
    statement = (
        f"UPDATE {quote(model._meta.db_table)} AS t SET {', '.join(assignments)} "
        f"FROM {{}} WHERE t.{pk} = s.{pk}"
    )
    rows = _prepared_rows(fields, records, connection)
    if connection.vendor == "postgresql":
        with _staged(model, columns) as staged:
            copy_rows(model, columns, rows, table=staged)
            _execute(connection, statement.format(f"{staged} AS s"))
        return
    row = f"({', '.join(['%s'] * len(columns))})"
    named = ", ".join(f"column{i} AS {quote(c)}" for i, c in enumerate(columns, start=1))
    per_statement = max(1, (connection.features.max_query_params or 65535) // len(columns))
    listed = list(rows)
    for start in range(0, len(listed), per_statement):
        chunk = listed[start : start + per_statement]
        values = f"(SELECT {named} FROM (VALUES {', '.join([row] * len(chunk))})) AS s"
        _execute(connection, statement.format(values), [value for row in chunk for value in row])


def delete(model: type[Model], ids: list[int], column: str = "") -> None:
    """Delete the rows of `model` whose `column` (the primary key by default) is in `ids`."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    column = quote(column or column_of(model._meta.pk))
    for chunk, condition in id_chunks(connection, column, ids):
        _execute(connection, f"DELETE FROM {quote(model._meta.db_table)} WHERE {condition}", chunk)


def id_chunks(connection, column: str, ids: list[int], other_params: int = 0) -> Iterator:
    """(parameters, SQL condition) for `column` in `ids`, in as few statements as fit.

    On PostgreSQL the ids travel as one array, not as thousands of placeholders that the
    driver would quote and the server parse one by one.
    """
    if connection.vendor == "postgresql":
        if ids:
            yield [ids], f"{column} = ANY(%s)"
        return
    per_statement = (connection.features.max_query_params or 65535) - other_params
    for start in range(0, len(ids), per_statement):
        chunk = ids[start : start + per_statement]
        yield chunk, f"{column} IN ({', '.join(['%s'] * len(chunk))})"


def among(field: str, values: Iterable[Any]) -> In:
    """A filter: `field` is one of `values` (`Model.objects.filter(among("public_id", ids))`).

    `field__in`, except that on PostgreSQL the values travel as one array, for the reason
    id_chunks gives: a batch looks records up by thousands of ids at a time. The values are
    plain ones (ids, names), not model instances.
    """
    return _AnyOf(F(field), list(values))


class _AnyOf(In):
    def resolve_expression(self, *args, **kwargs):
        # Built on F(field), the lookup could not prepare its values for the field (as
        # `field__in` does) until the field is known.
        resolved = super().resolve_expression(*args, **kwargs)
        resolved.rhs = resolved.get_prep_lookup()
        return resolved

    def as_postgresql(self, compiler, connection):
        values = [value for value in dict.fromkeys(self.rhs) if value is not None]
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection, prepared=False) for value in values]
        return f"{lhs} = ANY(%s)", (*lhs_params, values)


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` new ids from the sequence of `model`'s table (PostgreSQL)."""
    connection = connections[router.db_for_write(model)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(model._meta.db_table), column_of(model._meta.pk), count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(
    model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]], table: str = ""
) -> None:
    """COPY `rows` (database values, in the order of `columns`) into `model`'s table or into
    `table` (PostgreSQL), in the transaction Django has open."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    connection.ensure_connection()
    target = table or quote(model._meta.db_table)
    statement = f"COPY {target} ({', '.join(map(quote, columns))}) FROM STDIN"
    # The driver's own cursor, for its COPY support; its errors are turned into Django's
    # (IntegrityError…), as every other statement's are.
    raw = connection.connection
    with connection.wrap_database_errors, raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


class _staged:
    """A temporary table with `columns` of `model`'s table, their types included, dropped on
    leaving (a savepoint rolled back takes it along anyway)."""

    def __init__(self, model: type[Model], columns: Sequence[str]):
        self.connection = connections[router.db_for_write(model)]
        quote = self.connection.ops.quote_name
        self.name = quote(f"staged_{model._meta.db_table}")
        self.create = (
            f"CREATE TEMPORARY TABLE {self.name} AS SELECT {', '.join(map(quote, columns))} "
            f"FROM {quote(model._meta.db_table)} WITH NO DATA"
        )

    def __enter__(self) -> str:
        _execute(self.connection, self.create)
        return self.name

    def __exit__(self, *exc_info) -> None:
        if exc_info[0] is None:
            _execute(self.connection, f"DROP TABLE {self.name}")


def _prepared_rows(fields: list[Field], records: Iterable[Model], connection) -> Iterator[list]:
    """Each record's values of `fields`, as the database takes them."""
    preparers = [_preparer(f, connection) for f in fields]
    for record in records:
        row = []
        for model_field, prepare in zip(fields, preparers, strict=True):
            value = getattr(record, model_field.attname)
            if value is None:  # an automatic date not set yet: what bulk_create would write
                value = model_field.pre_save(record, True)
            row.append(prepare(value))
        yield row


# Fields whose values psycopg writes as they are (a str, an int, a date): preparing each
# value through the field, a million calls in a large import, changes nothing.
PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.FloatField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SlugField,
    models.SmallIntegerField,
    models.TextField,
    models.URLField,
)


def _preparer(model_field: Field, connection) -> Any:
    if type(model_field) in PLAIN_FIELDS and connection.vendor == "postgresql":
        return _as_is
    return functools.partial(model_field.get_db_prep_save, connection=connection)


def _as_is(value: Any) -> Any:
    return value


def _execute(connection, sql: str, params: Sequence[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def column_of(model_field: Field | None) -> str:
    """The column of a field that has one (every field these writes name)."""
    if model_field is None or model_field.column is None:
        raise TypeError(f"{model_field} has no column.")
    return model_field.column
