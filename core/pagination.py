"""Keyset ("cursor") pagination that stays stable while rows are inserted.

A page is the next `page_size` rows after the last row of the previous page, in the
queryset's order with the primary key as tie-breaker. The cursor carries that last row's
sort values, so a row inserted meanwhile is never shown twice and never shifts a page; no
page needs a COUNT(*) or an OFFSET, so page 10,000 is as fast as page 1. A client that wants
the total asks for it (`with_count=1`): the first page then carries `count`, at the price of
one COUNT(*).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import OrderBy
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination, Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.query import query_flag
from core.site_urls import absolute_url


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool
    # Only a column that can hold NULL gets a NULLS clause (unknown values always come last,
    # on every database); on the others a plain ORDER BY lets PostgreSQL walk an index.
    nullable: bool = False
    nulls_last: bool = True

    def reversed(self) -> SortKey:
        return SortKey(self.field, not self.descending, self.nullable, not self.nulls_last)

    def order_by(self) -> OrderBy:
        if not self.nullable:
            return OrderBy(F(self.field), descending=self.descending)
        if self.nulls_last:
            return OrderBy(F(self.field), descending=self.descending, nulls_last=True)
        return OrderBy(F(self.field), descending=self.descending, nulls_first=True)

    def after(self, value: Any) -> Q:
        """Rows that sort after `value` on this key alone."""
        if value is None:
            return Q(**{f"{self.field}__isnull": False}) if not self.nulls_last else Q(pk__in=[])
        beyond = Q(**{f"{self.field}__{'lt' if self.descending else 'gt'}": value})
        if self.nullable and self.nulls_last:
            return beyond | Q(**{f"{self.field}__isnull": True})
        return beyond

    def not_before(self, value: Any) -> Q:
        """The same rows as `after` allows on this key or equal to it, as one range: it lets
        the planner bound an index scan that the OR of `rows_after` alone would not."""
        if value is None or self.nullable:
            return Q()
        return Q(**{f"{self.field}__{'lte' if self.descending else 'gte'}": value})

    def equal(self, value: Any) -> Q:
        if value is None:
            return Q(**{f"{self.field}__isnull": True})
        return Q(**{self.field: value})


def sort_keys(queryset: models.QuerySet) -> list[SortKey]:
    """The queryset's ordering as sort keys, ending with the primary key."""
    keys = []
    for item in queryset.query.order_by or queryset.model._meta.ordering:
        if isinstance(item, str):
            field, descending = item.lstrip("-"), item.startswith("-")
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            # F.name is missing from django-stubs.
            field, descending = item.expression.name, item.descending  # type: ignore[attr-defined]
        else:
            raise TypeError(f"Cannot paginate by {item!r}")
        field = "id" if field == "pk" else field
        keys.append(SortKey(field, descending, queryset.model._meta.get_field(field).null))
    if not any(key.field == "id" for key in keys):
        keys.append(SortKey("id", keys[-1].descending if keys else True))
    return keys


def rows_after(keys: list[SortKey], values: list[Any]) -> Q:
    """Rows after the row with `values`, in the lexicographic order of `keys`."""
    condition = Q(pk__in=[])
    same_so_far = Q()
    for key, value in zip(keys, values, strict=True):
        condition |= same_so_far & key.after(value)
        same_so_far &= key.equal(value)
    return keys[0].not_before(values[0]) & condition


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    count_query_param = "with_count"

    def paginate_queryset(self, queryset, request: Request, view=None) -> list:
        self.request = request
        self.page_size = self.get_page_size(request)
        keys = sort_keys(queryset)
        cursor = self.decode_cursor(request, keys)
        # Counted on the first page only: later pages would pay the COUNT(*) again for a
        # number the client has.
        self.count = queryset.count() if self.wants_count(request) and cursor is None else None
        backwards = cursor is not None and cursor["direction"] == "previous"
        walk = [key.reversed() for key in keys] if backwards else keys

        page = queryset.order_by(*(key.order_by() for key in walk))
        if cursor is not None:
            page = page.filter(rows_after(walk, self.parse_values(queryset.model, keys, cursor)))
        rows = list(page[: self.page_size + 1])
        has_more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()

        self.keys = keys
        self.first_row = rows[0] if rows else None
        self.last_row = rows[-1] if rows else None
        # Going forwards, a cursor means there are rows before; going backwards, we came
        # from a later page, so there are rows after.
        self.has_next = True if backwards else has_more
        self.has_previous = has_more if backwards else cursor is not None
        return rows

    def get_page_size(self, request: Request) -> int:
        return requested_page_size(
            request, self.page_size_query_param, settings.API_PAGE_SIZE, settings.API_MAX_PAGE_SIZE
        )

    def wants_count(self, request: Request) -> bool:
        return query_flag(request.query_params, self.count_query_param)

    def get_paginated_response(self, data) -> Response:
        counted = {} if self.count is None else {"count": self.count}
        return Response(
            {
                **counted,
                "next": self.link("next"),
                "previous": self.link("previous"),
                "results": data,
            }
        )

    def link(self, direction: str) -> str | None:
        row = self.last_row if direction == "next" else self.first_row
        wanted = self.has_next if direction == "next" else self.has_previous
        if not wanted or row is None:
            return None
        token = self.encode_cursor(direction, [_value_of(row, key.field) for key in self.keys])
        return replace_query_param(
            absolute_url(self.request.get_full_path()), self.cursor_query_param, token
        )

    def encode_cursor(self, direction: str, values: list[Any]) -> str:
        payload = {
            "d": direction,
            "o": [("-" if key.descending else "") + key.field for key in self.keys],
            "v": [_to_json(value) for value in values],
        }
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode_cursor(self, request: Request, keys: list[SortKey]) -> dict | None:
        token = request.query_params.get(self.cursor_query_param)
        if not token:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            payload = json.loads(raw)
            direction, order, values = payload["d"], payload["o"], payload["v"]
        except (binascii.Error, ValueError, KeyError, TypeError) as error:
            raise self.invalid_cursor("Not a cursor this API handed out.") from error
        expected = [("-" if key.descending else "") + key.field for key in keys]
        if direction not in ("next", "previous") or len(values) != len(keys):
            raise self.invalid_cursor("Not a cursor this API handed out.")
        if order != expected:
            raise self.invalid_cursor("The cursor belongs to another ordering; start again.")
        return {"direction": direction, "values": values}

    def parse_values(self, model, keys: list[SortKey], cursor: dict) -> list[Any]:
        try:
            return [
                _from_json(model._meta.get_field(key.field), value)
                for key, value in zip(keys, cursor["values"], strict=True)
            ]
        except (ValueError, TypeError) as error:
            raise self.invalid_cursor("Not a cursor this API handed out.") from error

    def invalid_cursor(self, message: str) -> ValidationError:
        return ValidationError({self.cursor_query_param: [message]})

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from the `next` or `previous` link of a page.",
                "schema": {"type": "string"},
            },
            page_size_parameter(
                self.page_size_query_param, settings.API_PAGE_SIZE, settings.API_MAX_PAGE_SIZE
            ),
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": "`1` adds `count`, the number of matching rows, to the first "
                "page (one more query; later pages leave it out).",
                "schema": {"type": "boolean"},
            },
        ]

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "nullable": True, "format": "uri"}
        count = {
            "type": "integer",
            "description": f"Matching rows; on the first page, with `{self.count_query_param}=1`.",
        }
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"count": count, "next": link, "previous": link, "results": schema},
        }


class CheckedCursorPagination(CursorPagination):
    """DRF's cursor paging (for an ordering `KeysetPagination` cannot walk), answering a bad
    `page_size` or `cursor` with a 400 naming it, as `KeysetPagination` does: DRF quietly
    uses the default page size, and answers a bad cursor with a 404."""

    page_size_query_param = "page_size"

    def get_page_size(self, request: Request) -> int:
        return requested_page_size(request, self.page_size_query_param, *self.sizes())

    def sizes(self) -> tuple[int, int]:
        """(default, maximum) page size."""
        return (
            self.page_size or settings.API_PAGE_SIZE,
            self.max_page_size or settings.API_MAX_PAGE_SIZE,
        )

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError(
                {self.cursor_query_param: ["Not a cursor this API handed out."]}
            ) from error

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            *(
                parameter
                for parameter in super().get_schema_operation_parameters(view)
                if parameter["name"] != self.page_size_query_param
            ),
            page_size_parameter(self.page_size_query_param, *self.sizes()),
        ]


def requested_page_size(request: Request, name: str, default: int, maximum: int) -> int:
    """The page size the request asks for in `name` (absent or empty: `default`); a 400
    outside 1…maximum."""
    raw = request.query_params.get(name)
    if not raw:
        return default
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= maximum:
        raise ValidationError({name: [f"Must be a whole number from 1 to {maximum}."]})
    return size


def page_size_parameter(name: str, default: int, maximum: int) -> dict[str, Any]:
    return {
        "name": name,
        "required": False,
        "in": "query",
        "description": f"Rows per page, 1 to {maximum} (default {default}).",
        "schema": {"type": "integer", "minimum": 1, "maximum": maximum},
    }


def _value_of(row: models.Model, field: str) -> Any:
    return getattr(row, "pk" if field == "id" else field)


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _from_json(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        return dt.datetime.fromisoformat(value)
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat(value)
    return field.to_python(value)


class SiteCursorPagination(CheckedCursorPagination):
    """DRF's cursor paging, its `next` and `previous` links built on the site's base."""

    def paginate_queryset(self, queryset, request: Request, view=None) -> list[Any] | None:
        page: list[Any] | None = super().paginate_queryset(queryset, request, view)
        self.base_url = absolute_url(request.get_full_path())
        return page
