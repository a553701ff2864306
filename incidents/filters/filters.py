"""The kinds of filter IncidentFilterSet is made of: lists of values, records, places, sorting."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db import models
from django.db.models import F, QuerySet

from geo.areas import Box, Circle
from incidents.filters.fields import (
    BoxField,
    ChoiceListField,
    CircleField,
    ListField,
    RecordListField,
    UtcDateTimeField,
    WholeNumberField,
)


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """Rows at or after (as `lookup_expr` says) an ISO 8601 moment, compared in UTC."""

    field_class = UtcDateTimeField


class ListFilter(django_filters.MultipleChoiceFilter):
    """Rows whose `field_name` is any of the given values.

    A MultipleChoiceFilter only so that the OpenAPI schema shows an array of repeatable
    parameters; it never adds DISTINCT, and an empty list filters nothing.
    """

    field_class: type[forms.Field] = ListField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def filter(self, queryset: QuerySet, values: list[Any]) -> QuerySet:
        if not values:
            return queryset
        return queryset.filter(**{f"{self.field_name}__in": values})


class ChoiceListFilter(ListFilter):
    """A ListFilter over a vocabulary; `what` names the vocabulary in error messages."""

    field_class = ChoiceListField


class StatusFilter(ChoiceListFilter):
    """Rows of the statuses asked for; when none is asked for, those of the FilterSet's
    `default_status` (every row when that is None)."""

    def filter(self, queryset: QuerySet, values: list[str]) -> QuerySet:
        return super().filter(queryset, values or self.parent.default_status or [])


class RecordListFilter(ListFilter):
    field_class = RecordListField


class AreaFilter(django_filters.CharFilter):
    """Rows whose place (`field_name`) lies in an area: a box or a circle."""

    def filter(self, queryset: QuerySet, area: Box | Circle | None) -> QuerySet:
        if area is None:
            return queryset
        return queryset.filter(**{f"{self.field_name}__in": area.locations().values("pk")})


class BoxFilter(AreaFilter):
    field_class = BoxField


class CircleFilter(AreaFilter):
    field_class = CircleField


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = WholeNumberField


# -- Ordering ---------------------------------------------------------------------------------

# Each ordering ends with the primary key, so that paging through it is stable; an unknown
# fatality count (NULL) comes last in both directions.
ORDERINGS: dict[str, tuple[str | models.OrderBy, ...]] = {
    "-date": ("-date_start", "-id"),
    "date": ("date_start", "id"),
    "-fatalities": (F("fatalities_best").desc(nulls_last=True), "-date_start", "-id"),
    "fatalities": (F("fatalities_best").asc(nulls_last=True), "-date_start", "-id"),
    "-updated_at": ("-updated_at", "-id"),
    "updated_at": ("updated_at", "id"),
}
DEFAULT_ORDERING = "-date"


class SortFilter(django_filters.ChoiceFilter):
    """Sorts by one of ORDERINGS; without a value, by the default (newest first)."""

    def filter(self, queryset: QuerySet, value: str) -> QuerySet:
        return queryset.order_by(*ORDERINGS[value or DEFAULT_ORDERING])
