"""IncidentFilterSet, made of one small FilterSet per theme: when, what, where, who."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from geo.models import Location
from incidents import search, taxonomy
from incidents.filters.fields import (
    RecordListField,
    admin1_code,
    country_code,
    one_of,
)
from incidents.filters.filters import (
    ORDERINGS,
    BoxFilter,
    ChoiceListFilter,
    CircleFilter,
    ListFilter,
    RecordListFilter,
    SortFilter,
    StatusFilter,
    UtcDateTimeFilter,
    WholeNumberFilter,
)
from incidents.models import Actor, Citation, Incident, IncidentActor, Publisher, Source, Tag
from incidents.taxonomy import ActorRole, Confidence, Outcome, Status, Weapon

# Fatality counts are PositiveIntegerFields (a 32-bit integer on PostgreSQL).
MAX_COUNT = 2**31 - 1
# Incident.independent_sources is a PositiveSmallIntegerField.
MAX_SOURCES = 2**15 - 1
LIST_HELP = (
    " Repeat the parameter or separate values with commas; quote a value that contains a comma."
)
DATE_ERRORS = {"invalid": "Enter a date as YYYY-MM-DD."}
COUNT_ERRORS = {
    "invalid": "Enter a whole number.",
    "min_value": "Must be 0 or more.",
    "max_value": f"Must be at most {MAX_COUNT}.",
}
SOURCE_COUNT_ERRORS = {**COUNT_ERRORS, "max_value": f"Must be at most {MAX_SOURCES}."}
# What a list, an export or a count holds when `status` is not given: events in force, one row
# each. Retracted records (merged duplicates among them) are there when asked for by name.
DEFAULT_STATUS: tuple[str, ...] = (Status.PUBLISHED,)


def _by_id_help(what: str, key: str = "") -> str:
    return f"{what} id{f' or exact {key}' if key else ''}." + LIST_HELP


class IncidentFilterForm(forms.Form):
    # Set by IncidentFilterSet from its caller: whether drafts, and the actors, sources,
    # places and tags only they name, may be asked for.
    sees_every_status = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, RecordListField):
                field.public_only = not self.sees_every_status

    def clean_status(self) -> list[str]:
        statuses = self.cleaned_data["status"]
        hidden = [status for status in statuses if status not in taxonomy.PUBLIC_STATUSES]
        if hidden and not self.sees_every_status:
            raise ValidationError(
                f"Only analysts and editors may filter by {one_of(hidden)}; "
                f"use {one_of(taxonomy.PUBLIC_STATUSES)}."
            )
        return statuses

    def clean(self) -> dict[str, Any]:
        super().clean()
        self._check_order(self.cleaned_data, "date_after", "date_before", "earlier")
        self._check_order(self.cleaned_data, "start_after", "date_before", "earlier")
        self._check_order(self.cleaned_data, "fatalities_min", "fatalities_max", "less")
        return self.cleaned_data

    def _check_order(self, data: dict[str, Any], low: str, high: str, word: str) -> None:
        if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
            self.add_error(high, f"Must not be {word} than {low} ({data[low]}).")


# Filter methods take the cleaned `value` under that name: the OpenAPI schema reads its type.


class WhenFilters(django_filters.FilterSet):
    """When the incident happened, and when its record last changed."""

    date_after = django_filters.DateFilter(
        field_name="date_end",
        lookup_expr="gte",
        input_formats=["%Y-%m-%d"],
        error_messages=DATE_ERRORS,
        help_text="YYYY-MM-DD. Incidents whose date range ends on or after this day "
        "(an incident over several days matches if any of its days is in the range).",
    )
    date_before = django_filters.DateFilter(
        field_name="date_start",
        lookup_expr="lte",
        input_formats=["%Y-%m-%d"],
        error_messages=DATE_ERRORS,
        help_text="YYYY-MM-DD. Incidents whose date range starts on or before this day.",
    )
    # With date_before, the incidents whose first day is in a range: as the timeline and the
    # year facet count them, each under one period.
    start_after = django_filters.DateFilter(
        field_name="date_start",
        lookup_expr="gte",
        input_formats=["%Y-%m-%d"],
        error_messages=DATE_ERRORS,
        help_text="YYYY-MM-DD. Incidents whose date range starts on or after this day "
        "(with date_before: the incidents that start in a range, as the timeline counts them).",
    )
    updated_since = UtcDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        error_messages={
            "invalid": "Enter an ISO 8601 date-time such as 2024-05-01T12:00:00Z "
            "(URL-encode the + of an offset such as +03:00)."
        },
        help_text="ISO 8601 date-time, e.g. 2024-05-01T12:00:00Z: incidents changed at or "
        "after it (for syncing).",
    )


class WhatFilters(django_filters.FilterSet):
    """What happened: the kind of event, its weapons, outcome and toll, how sure it is."""

    event_type = ChoiceListFilter(
        choices=taxonomy.EVENT_TYPE_CHOICES,
        what="an ACLED event type",
        help_text="ACLED event type, exact string." + LIST_HELP,
    )
    sub_event_type = ChoiceListFilter(
        choices=[(sub, sub) for subs in taxonomy.ACLED_EVENT_TYPES.values() for sub in subs],
        what="an ACLED sub-event type",
        help_text="ACLED sub-event type, exact string." + LIST_HELP,
    )
    fatalities_min = WholeNumberFilter(
        field_name="fatalities_best",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_COUNT,
        error_messages=COUNT_ERRORS,
        help_text="Whole number. Best fatality estimate at least this; "
        "incidents whose count is unknown never match.",
    )
    fatalities_max = WholeNumberFilter(
        field_name="fatalities_best",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_COUNT,
        error_messages=COUNT_ERRORS,
        help_text="Whole number. Best fatality estimate at most this; "
        "incidents whose count is unknown never match.",
    )
    independent_sources_min = WholeNumberFilter(
        field_name="independent_sources",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_SOURCES,
        error_messages=SOURCE_COUNT_ERRORS,
        help_text="Whole number. At least this many independent supporting sources: "
        "sources that republish one another or report the same originator's claim count once.",
    )
    weapon = ChoiceListFilter(
        choices=Weapon.choices, what="a weapon", help_text="Weapon." + LIST_HELP
    )
    outcome = ChoiceListFilter(
        choices=Outcome.choices, what="an outcome", help_text="Outcome." + LIST_HELP
    )
    confidence = ChoiceListFilter(
        choices=Confidence.choices, what="a confidence level", help_text="Confidence." + LIST_HELP
    )
    tag = RecordListFilter(
        method="filter_tag",
        model=Tag,
        by_id=False,
        key="name",
        help_text="Tag name, exact." + LIST_HELP,
    )

    def filter_tag(self, queryset: QuerySet, name: str, value: list[int]) -> QuerySet:
        tagged = Incident.tags.through.objects.filter(tag_id__in=value)
        return queryset.filter(pk__in=tagged.values("incident_id"))


class WhereFilters(django_filters.FilterSet):
    """Where it happened: by country or area code, by place, inside a box or a circle."""

    country = ListFilter(
        field_name="location__country",
        item=country_code,
        help_text="ISO 3166-1 alpha-3 code of the incident's country, e.g. IRQ." + LIST_HELP,
    )
    admin1 = ListFilter(
        field_name="location__admin1",
        item=admin1_code,
        help_text="ISO 3166-2 code of the incident's first-level area, e.g. IQ-AN." + LIST_HELP,
    )
    location = RecordListFilter(
        field_name="location", model=Location, help_text=_by_id_help("Location")
    )
    bbox = BoxFilter(
        field_name="location",
        help_text="min_lon,min_lat,max_lon,max_lat in WGS84 degrees: incidents whose place "
        "lies in the box, edges included. A min_lon greater than max_lon is a box across "
        "the antimeridian (e.g. 170,-20,-170,-10).",
    )
    near = CircleFilter(
        field_name="location",
        help_text="lat,lon,radius_km: incidents whose place is at most radius_km "
        "(great-circle distance) from the point, e.g. 33.2625,44.2344,20.",
    )


class WhoFilters(django_filters.FilterSet):
    """Who took part, in which role, and who reported it."""

    actor = RecordListFilter(
        method="filter_actor",
        model=Actor,
        key="name",
        help_text=_by_id_help("Actor in any role: actor", "name"),
    )
    perpetrator = RecordListFilter(
        method="filter_actor",
        model=Actor,
        key="name",
        help_text=_by_id_help("Actor in the perpetrator role: actor", "name"),
    )
    target = RecordListFilter(
        method="filter_actor",
        model=Actor,
        key="name",
        help_text=_by_id_help("Actor in the target role: actor", "name"),
    )
    source = RecordListFilter(
        method="filter_source", model=Source, help_text=_by_id_help("Cited source")
    )
    publisher = ListFilter(
        method="filter_publisher",
        help_text="Publisher of a cited source: its name or an alias, case-insensitive."
        + LIST_HELP,
    )

    def filter_actor(self, queryset: QuerySet, name: str, value: list[int]) -> QuerySet:
        roles = {"perpetrator": ActorRole.PERPETRATOR, "target": ActorRole.TARGET}
        parts = IncidentActor.objects.filter(actor_id__in=value)
        if name in roles:
            parts = parts.filter(role=roles[name])
        return queryset.filter(pk__in=parts.values("incident_id"))

    def filter_source(self, queryset: QuerySet, name: str, value: list[int]) -> QuerySet:
        citing = Citation.objects.filter(source_id__in=value)
        return queryset.filter(pk__in=citing.values("incident_id"))

    def filter_publisher(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        publishers = Publisher.objects.named(*value)
        citing = Citation.objects.filter(source__in=Source.objects.filter(publisher__in=publishers))
        return queryset.filter(pk__in=citing.values("incident_id"))


class IncidentFilterSet(WhenFilters, WhatFilters, WhereFilters, WhoFilters):
    """The incident search of the API, its exports, the admin list and the export command;
    all filters combine with AND.

    `sees_every_status` says whether the caller may ask for drafts and records in review
    (`status=draft`); the caller decides it, from the user or outright. The queryset given is
    already what the caller may see: this only decides which `status` values are allowed.
    `default_status` is what a query that names no status gets: published records, unless the
    caller shows every record it may see (None: the admin's list).
    """

    q = django_filters.CharFilter(
        method="filter_q",
        max_length=200,
        help_text="Words to find in the title, summary, place names and actor names and "
        "aliases; all must match. On PostgreSQL this is web-search syntax: "
        '"a phrase", -excluded, or.',
    )
    status = StatusFilter(
        choices=Status.choices,
        what="a status",
        help_text="Record status; default published (one row per event in force). "
        "`published,retracted` adds retracted records and merged duplicates, as a mirror "
        "needs them with `updated_since`. Analysts and editors may ask for any status; "
        "everyone else only for published and retracted." + LIST_HELP,
    )
    ordering = SortFilter(
        choices=[(name, name) for name in ORDERINGS],
        empty_label=None,
        error_messages={
            "invalid_choice": "“%(value)s” is not an ordering. Use one of: "
            + one_of(ORDERINGS)
            + "."
        },
        help_text="Sort order: date and fatalities (best estimate; unknown last) or "
        "updated_at, with - for descending. Default -date (newest first).",
    )

    class Meta:
        model = Incident
        fields: list[str] = []
        form = IncidentFilterForm

    def __init__(
        self,
        data=None,
        queryset: QuerySet | None = None,
        *,
        sees_every_status: bool = False,
        default_status: Sequence[str] | None = DEFAULT_STATUS,
        request=None,
        prefix: str | None = None,
    ) -> None:
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.sees_every_status = sees_every_status
        self.default_status = default_status

    def get_form_class(self) -> type[IncidentFilterForm]:
        form_class = super().get_form_class()  # a new class for each FilterSet
        form_class.sees_every_status = self.sees_every_status
        return form_class

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search.matching(queryset, value)


def filters_named_in(params) -> list[tuple[str, str]]:
    """The (name, value) pairs of `params` (a QueryDict) that choose rows: what a download's
    name tells. Other parameters (the layout, the admin's page and sort) are left out."""
    return [
        (name, value)
        for name, values in params.lists()
        if name in IncidentFilterSet.base_filters and name != "ordering"
        for value in values
    ]


def statuses_named_in(params) -> list[str]:
    """The statuses `params` (a QueryDict) asks for by name; empty when they leave the status
    to the default, or name it wrongly (the FilterSet refuses that)."""
    try:
        return IncidentFilterSet.base_filters["status"].field.clean(params.getlist("status"))
    except ValidationError:
        return []
