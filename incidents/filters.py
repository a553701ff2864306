"""The incident filters: one FilterSet for the API, its exports and the public pages.

Every parameter is validated; a bad value makes the form invalid, which the API answers with
a 400 whose body names the parameter. Multi-value parameters take repeated parameters and
comma-separated lists alike (`?country=IRQ,SYR` is `?country=IRQ&country=SYR`), and a row
matches any of the values.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, QuerySet

from geo import gazetteer
from geo.areas import Box, Circle
from geo.models import Location
from incidents import search, taxonomy
from incidents.models import Actor, Citation, Incident, IncidentActor, Source, Tag
from incidents.taxonomy import ActorRole, Confidence, Outcome, Status, Weapon
from incidents.workflow import sees_every_status

# The largest primary key a BigAutoField holds; a larger number can name no record.
MAX_ID = 2**63 - 1
# Fatality counts are PositiveIntegerFields (a 32-bit integer on PostgreSQL).
MAX_COUNT = 2**31 - 1
# Incident.independent_sources is a PositiveSmallIntegerField.
MAX_SOURCES = 2**15 - 1
LIST_HELP = (
    " Repeat the parameter or separate values with commas; quote a value that contains a comma."
)


def _one_of(values: Iterable[str]) -> str:
    return ", ".join(values)


def invalid(message: str, **values: Any) -> ValidationError:
    """An error whose message quotes `values` as %(name)s, so that a % in them is harmless."""
    return ValidationError(message, params=values)


# -- Reading several values from one parameter ------------------------------------------------


class ListWidget(forms.TextInput):
    """Reads every occurrence of a parameter (`?p=a&p=b`), not only the last one."""

    def value_from_datadict(self, data, files, name: str) -> list[str]:
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        if value is None:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]

    def value_omitted_from_data(self, data, files, name: str) -> bool:
        return name not in data

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list | tuple):
            return ",".join(str(item) for item in value)
        return super().format_value(value)


class ListField(forms.Field):
    """The items of every occurrence of a parameter, each a comma-separated list.

    Items are parsed as CSV, so `"Smith, John",Doe` is two items. `item` turns one item's
    text into its value or raises ValidationError; duplicates are dropped.
    """

    widget = ListWidget

    def __init__(self, *, item: Callable[[str], Any] = str, **kwargs: Any) -> None:
        self.item = item
        super().__init__(**kwargs)

    def to_python(self, values: list[str] | None) -> list[str]:
        items: list[str] = []
        for value in values or []:
            if "\x00" in value:  # PostgreSQL cannot even compare text with a NUL in it
                raise ValidationError("Null characters are not allowed.")
            try:
                row = next(csv.reader([value.strip()], skipinitialspace=True, strict=True), [])
            except csv.Error as error:
                raise invalid(
                    "“%(value)s” is not a comma-separated list (%(error)s).",
                    value=value,
                    error=error,
                ) from error
            items += [item.strip() for item in row if item.strip()]
        return list(dict.fromkeys(items))

    def clean(self, value: list[str] | None) -> list[Any]:
        items = self.to_python(value)
        self.validate(items)
        cleaned, errors = [], []
        for item in items:
            try:
                cleaned.append(self.item(item))
            except ValidationError as error:
                errors += error.error_list
        if errors:
            raise ValidationError(errors)
        return list(dict.fromkeys(cleaned))


def choice(choices: Sequence[tuple[str, Any]], what: str) -> Callable[[str], str]:
    """An item parser that accepts only the given choices' values."""
    allowed = [value for value, _ in choices]

    def parse(text: str) -> str:
        if text not in allowed:
            raise invalid(
                "“%(text)s” is not %(what)s. Use one of: %(allowed)s.",
                text=text,
                what=what,
                allowed=_one_of(allowed),
            )
        return text

    return parse


def country_code(text: str) -> str:
    code = text.upper()
    if not gazetteer.country_name(code):
        raise invalid("“%(text)s” is not an ISO 3166-1 alpha-3 country code, e.g. IRQ.", text=text)
    return code


def admin1_code(text: str) -> str:
    code = text.upper()
    if not gazetteer.admin1_name(code):
        raise invalid("“%(text)s” is not an ISO 3166-2 area code, e.g. IQ-AN.", text=text)
    return code


def record_id(text: str) -> int | None:
    """The primary key `text` spells, or None when it is not a whole number."""
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text)


class ChoiceListField(ListField):
    def __init__(self, *, choices: Sequence[tuple[str, Any]], what: str, **kwargs: Any) -> None:
        super().__init__(item=choice(choices, what), **kwargs)


class RecordListField(ListField):
    """Records named by id and/or by a unique readable key; one that names none is an error."""

    def __init__(
        self, *, model: type[models.Model], by_id: bool = True, key: str | None = None, **kwargs
    ) -> None:
        self.model, self.by_id, self.key = model, by_id, key
        super().__init__(**kwargs)

    def clean(self, value: list[str] | None) -> list[int]:
        items = super().clean(value)
        if not self.key:
            self._refuse_non_ids(items)
        found = self._lookup(items) if items else {}
        unknown = [item for item in items if item not in found]
        if unknown:
            raise ValidationError([self._unknown_message(item) for item in unknown])
        return sorted(set(found.values()))

    def _refuse_non_ids(self, items: list[str]) -> None:
        name = self.model._meta.verbose_name
        wrong = [
            invalid("“%(item)s” is not a %(name)s id (a whole number).", item=item, name=name)
            for item in items
            if record_id(item) is None
        ]
        if wrong:
            raise ValidationError(wrong)

    def _lookup(self, items: list[str]) -> dict[str, int]:
        """Each item that names a record → the record's id; an id wins over a name."""
        ids = {item: record_id(item) for item in items} if self.by_id else {}
        condition = Q(pk__in=[pk for pk in ids.values() if pk is not None and pk <= MAX_ID])
        if self.key:
            condition |= Q(**{f"{self.key}__in": items})
        records = self.model._default_manager.filter(condition)
        keys = dict(records.values_list("pk", self.key or "pk"))
        pks = {key: pk for pk, key in keys.items()} if self.key else {}
        found = {}
        for item in items:
            if ids.get(item) in keys:
                found[item] = ids[item]
            elif item in pks:
                found[item] = pks[item]
        return found

    def _unknown_message(self, item: str) -> ValidationError:
        kind = {(True, True): "id or name", (True, False): "id", (False, True): "name"}
        return invalid(
            "No %(model)s has the %(kind)s “%(item)s”.",
            model=self.model._meta.verbose_name,
            kind=kind[(self.by_id, bool(self.key))],
            item=item,
        )


class ListFilter(django_filters.MultipleChoiceFilter):
    """Rows whose `field_name` is any of the given values.

    A MultipleChoiceFilter only so that the OpenAPI schema shows an array of repeatable
    parameters; it never adds DISTINCT, and an empty list filters nothing.
    """

    field_class = ListField

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


class RecordListFilter(ListFilter):
    field_class = RecordListField


# -- Places: bounding boxes and circles -------------------------------------------------------


def _numbers(text: str, names: Sequence[str]) -> list[float]:
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != len(names):
        raise ValidationError(
            f"Expected {len(names)} comma-separated numbers ({','.join(names)}), got {len(parts)}."
        )
    numbers = []
    for name, part in zip(names, parts, strict=True):
        try:
            number = float(part)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise invalid("%(name)s “%(part)s” is not a number.", name=name, part=part)
        numbers.append(number)
    return numbers


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ValidationError(f"{name} {value:g} is outside {low:g} to {high:g}.")


class BoxField(forms.CharField):
    def clean(self, value: str | None) -> Box | None:
        text = super().clean(value)
        if not text:
            return None
        min_lon, min_lat, max_lon, max_lat = _numbers(
            text, ["min_lon", "min_lat", "max_lon", "max_lat"]
        )
        for name, number in (("min_lon", min_lon), ("max_lon", max_lon)):
            _check_range(name, number, -180, 180)
        for name, number in (("min_lat", min_lat), ("max_lat", max_lat)):
            _check_range(name, number, -90, 90)
        if min_lat > max_lat:
            raise ValidationError(f"min_lat {min_lat:g} is north of max_lat {max_lat:g}.")
        return Box(min_lon, min_lat, max_lon, max_lat)


class CircleField(forms.CharField):
    def clean(self, value: str | None) -> Circle | None:
        text = super().clean(value)
        if not text:
            return None
        lat, lon, radius_km = _numbers(text, ["lat", "lon", "radius_km"])
        _check_range("lat", lat, -90, 90)
        _check_range("lon", lon, -180, 180)
        if radius_km <= 0:
            raise ValidationError(f"radius_km must be greater than 0, got {radius_km:g}.")
        return Circle(lat, lon, radius_km)


class BoxFilter(django_filters.CharFilter):
    field_class = BoxField


class CircleFilter(django_filters.CharFilter):
    field_class = CircleField


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


# -- The FilterSet ----------------------------------------------------------------------------


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class IncidentFilterForm(forms.Form):
    # Set per request by IncidentFilterSet: whether the user may ask for drafts.
    sees_every_status = False

    def clean_status(self) -> list[str]:
        statuses = self.cleaned_data["status"]
        hidden = [status for status in statuses if status not in taxonomy.PUBLIC_STATUSES]
        if hidden and not self.sees_every_status:
            raise ValidationError(
                f"Only analysts and editors may filter by {_one_of(hidden)}; "
                f"use {_one_of(taxonomy.PUBLIC_STATUSES)}."
            )
        return statuses

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._check_order(data, "date_after", "date_before", "earlier")
        self._check_order(data, "fatalities_min", "fatalities_max", "less")
        return data

    def _check_order(self, data: dict[str, Any], low: str, high: str, word: str) -> None:
        if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
            self.add_error(high, f"Must not be {word} than {low} ({data[low]}).")


def _by_id_help(what: str, key: str = "") -> str:
    return f"{what} id{f' or exact {key}' if key else ''}." + LIST_HELP


DATE_ERRORS = {"invalid": "Enter a date as YYYY-MM-DD."}
COUNT_ERRORS = {
    "invalid": "Enter a whole number.",
    "min_value": "Must be 0 or more.",
    "max_value": f"Must be at most {MAX_COUNT}.",
}
SOURCE_COUNT_ERRORS = {**COUNT_ERRORS, "max_value": f"Must be at most {MAX_SOURCES}."}


class IncidentFilterSet(django_filters.FilterSet):
    """Incident search of the researcher API; all filters combine with AND."""

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
        help_text="Publisher of a cited source, exact name, case-insensitive." + LIST_HELP,
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
    bbox = BoxFilter(
        method="filter_bbox",
        help_text="min_lon,min_lat,max_lon,max_lat in WGS84 degrees: incidents whose place "
        "lies in the box, edges included. A min_lon greater than max_lon is a box across "
        "the antimeridian (e.g. 170,-20,-170,-10).",
    )
    near = CircleFilter(
        method="filter_near",
        help_text="lat,lon,radius_km: incidents whose place is at most radius_km "
        "(great-circle distance) from the point, e.g. 33.2625,44.2344,20.",
    )
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=200,
        help_text="Words to find in the title, summary, place names and actor names and "
        "aliases; all must match. On PostgreSQL this is web-search syntax: "
        '"a phrase", -excluded, or.',
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        error_messages={
            "invalid": "Enter an ISO 8601 date-time such as 2024-05-01T12:00:00Z "
            "(URL-encode the + of an offset such as +03:00)."
        },
        help_text="ISO 8601 date-time, e.g. 2024-05-01T12:00:00Z: incidents changed at or "
        "after it (for syncing).",
    )
    status = ChoiceListFilter(
        choices=Status.choices,
        what="a status",
        help_text="Record status. Analysts and editors may ask for any; everyone else only "
        "for published and retracted." + LIST_HELP,
    )
    ordering = SortFilter(
        choices=[(name, name) for name in ORDERINGS],
        empty_label=None,
        error_messages={
            "invalid_choice": "“%(value)s” is not an ordering. Use one of: "
            + _one_of(ORDERINGS)
            + "."
        },
        help_text="Sort order: date and fatalities (best estimate; unknown last) or "
        "updated_at, with - for descending. Default -date (newest first).",
    )

    class Meta:
        model = Incident
        fields: list[str] = []
        form = IncidentFilterForm

    def get_form_class(self) -> type[IncidentFilterForm]:
        form_class = super().get_form_class()
        form_class.sees_every_status = sees_every_status(getattr(self.request, "user", None))
        return form_class

    # Filter methods take the cleaned `value` under that name: the OpenAPI schema reads its type.

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
        same_publisher = Q()
        for publisher in value:
            same_publisher |= Q(publisher__iexact=publisher)
        citing = Citation.objects.filter(source__in=Source.objects.filter(same_publisher))
        return queryset.filter(pk__in=citing.values("incident_id"))

    def filter_tag(self, queryset: QuerySet, name: str, value: list[int]) -> QuerySet:
        tagged = Incident.tags.through.objects.filter(tag_id__in=value)
        return queryset.filter(pk__in=tagged.values("incident_id"))

    def filter_bbox(self, queryset: QuerySet, name: str, value: Box) -> QuerySet:
        return queryset.filter(location__in=value.locations().values("pk"))

    def filter_near(self, queryset: QuerySet, name: str, value: Circle) -> QuerySet:
        return queryset.filter(location__in=value.locations().values("pk"))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search.matching(queryset, value)
