"""The incident change list, filtered by IncidentFilterSet as the API is.

The sidebar's links, the search box (`q`, the full-text search) and any other parameter of the
API's filters (`?country=IRQ&date_after=2022-01-01`) go to the FilterSet in one piece, so the
list, its CSV export and the API answer the same question with the same incidents. A bad value
or an unknown parameter sends the editor back to the whole list with the reason, as the admin
does with its own lookups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.options import (
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    TO_FIELD_VAR,
    IncorrectLookupParameters,
)
from django.contrib.admin.views.main import (
    ALL_VAR,
    ERROR_FLAG,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
    ChangeList,
)
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.api import closest_name
from geo import gazetteer
from geo.models import Location
from incidents.admin_queues import QUEUE_VAR, in_queue
from incidents.filters import IncidentFilterSet
from incidents.models import Incident
from incidents.workflow import sees_every_status

# The change list's own parameters (page, sort by column, show all, counts, pop-up); every
# other parameter is one of the FilterSet's.
ADMIN_PARAMETERS = {
    ALL_VAR,
    ORDER_VAR,
    PAGE_VAR,
    ERROR_FLAG,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    TO_FIELD_VAR,
    QUEUE_VAR,  # the desk's queues (incidents.admin_queues), after the FilterSet
}
# The FilterSet's parameters that narrow the list, as "Clear all filters" removes them; the
# search and the sort order stay, as they do in Django's own change list.
NARROWING = [
    *(name for name in IncidentFilterSet.base_filters if name not in {"q", "ordering"}),
    QUEUE_VAR,
]
SEARCH_HELP = IncidentFilterSet.base_filters[SEARCH_VAR].extra["help_text"]


@admin.display(description="status", ordering="status")
def status_badge(incident: Incident) -> SafeString:
    """The status as a coloured label (admin.css: `.status-badge.status-in-review`)."""
    css_name = incident.status.replace(" ", "-")
    return format_html(
        '<span class="status-badge status-{}">{}</span>', css_name, incident.get_status_display()
    )


@admin.display(description="place", ordering="location__name")
def place(incident: Incident) -> str:
    return f"{incident.location.name}, {incident.location.country}"


def incident_filterset(request: HttpRequest, data: Any, queryset: QuerySet) -> IncidentFilterSet:
    """The FilterSet the admin runs: analysts and editors may ask for every status, and the
    list shows every record (drafts to review first of all) unless `status` narrows it."""
    return IncidentFilterSet(
        data, queryset, sees_every_status=sees_every_status(request.user), default_status=None
    )


class IncidentChangeList(ChangeList):
    """A change list whose filters and search are IncidentFilterSet's."""

    def filterset_data(self, exclude: Iterable[str | None] = ()) -> QueryDict:
        data = QueryDict(mutable=True)
        for name, values in self.filter_params.items():
            if name not in ADMIN_PARAMETERS and name not in exclude:
                data.setlist(name, values)
        return data

    def get_filters(self, request: HttpRequest):
        # Each sidebar filter only reads its parameters, to show which link is chosen.
        unused = self.get_filters_params()
        sidebar = cast("list[type[FilterSetListFilter]]", self.list_filter)
        specs = [
            spec
            for list_filter in sidebar
            if (spec := list_filter(request, unused, self.model, self.model_admin)).has_output()
        ]
        active = any(name in self.filter_params for name in NARROWING)
        return specs, bool(specs), {}, False, active

    def get_queryset(self, request: HttpRequest, exclude_parameters=None) -> QuerySet:
        (self.filter_specs, self.has_filters, _, _, self.has_active_filters) = self.get_filters(
            request
        )
        filterset = incident_filterset(
            request, self.filterset_data(exclude_parameters or ()), self.root_queryset
        )
        refuse_bad_filters(request, filterset)
        incidents = in_queue(request, filterset.qs, self.params.get(QUEUE_VAR))
        if not incidents.query.select_related:
            incidents = self.apply_select_related(incidents)
        self.clear_all_filters_qs = self.get_query_string(remove=NARROWING)
        return incidents.order_by(*self.get_ordering(request, incidents))

    @cached_property
    def date_bar(self) -> dict[str, Any]:
        return date_bar_context(self)

    def get_ordering(self, request: HttpRequest, queryset: QuerySet) -> list:
        if ORDER_VAR not in self.params and "ordering" in self.params:
            return list(queryset.query.order_by)  # the FilterSet's, which ends with the id
        return super().get_ordering(request, queryset)


def refuse_bad_filters(request: HttpRequest, filterset: IncidentFilterSet) -> None:
    """Raise IncorrectLookupParameters, with a message for each problem, if the FilterSet
    cannot read its parameters: the admin then goes back to the whole list (`?e=1`)."""
    unknown = [name for name in filterset.data if name not in filterset.base_filters]
    problems = [no_such_filter(name, filterset.base_filters) for name in unknown]
    if not filterset.is_valid():
        problems += [f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()]
    if problems:
        for problem in problems:
            messages.error(request, problem)
        raise IncorrectLookupParameters("; ".join(problems))


def no_such_filter(name: str, known: Iterable[str]) -> str:
    close = closest_name(name, known)
    return f"There is no filter “{name}”" + (f"; did you mean “{close}”?" if close else ".")


# -- The sidebar ------------------------------------------------------------------------------


class FilterSetListFilter(admin.ListFilter):
    """A sidebar filter whose links set parameters of IncidentFilterSet.

    It never filters by itself: the change list runs the whole FilterSet once. `lookups`
    gives each link's parameters and label; facet counts run the FilterSet on each link's.
    """

    parameters: tuple[str, ...] = ()
    all_label = "All"

    def __init__(self, request: HttpRequest, params: dict, model, model_admin) -> None:
        super().__init__(request, params, model, model_admin)
        for name in self.parameters:
            if name in params:
                self.used_parameters[name] = params.pop(name)[-1]
        self.lookup_choices = list(self.lookups(request))

    def lookups(self, request: HttpRequest) -> Iterator[tuple[dict[str, str], str]]:
        raise NotImplementedError

    def has_output(self) -> bool:
        return bool(self.lookup_choices)

    def expected_parameters(self) -> list[str | None]:
        return list(self.parameters)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset

    def choices(self, changelist: ChangeList) -> Iterator[dict[str, Any]]:
        counts = self.facet_counts(changelist) if changelist.add_facets else {}
        yield {
            "selected": not self.used_parameters,
            "query_string": changelist.get_query_string(remove=self.parameters),
            "display": self.all_label,
        }
        for index, (values, label) in enumerate(self.lookup_choices):
            if changelist.add_facets:
                label = f"{label} ({counts.get(f'{index}__c', '-')})"
            yield {
                "selected": self.used_parameters == values,
                "query_string": changelist.get_query_string(values, remove=self.parameters),
                "display": label,
            }

    def facet_counts(self, changelist: ChangeList) -> dict[str, int]:
        """How many incidents each link would list, the other filters staying as they are."""
        others = changelist.get_queryset(
            self.request, exclude_parameters=self.expected_parameters()
        )
        everything = Incident.objects.all()
        return others.aggregate(
            **{
                f"{index}__c": Count(
                    "pk",
                    filter=Q(pk__in=incident_filterset(self.request, values, everything).qs),
                )
                for index, (values, _) in enumerate(self.lookup_choices)
            }
        )


class ChoiceFilter(FilterSetListFilter):
    """One link per value of the FilterSet's own vocabulary for the parameter."""

    def lookups(self, request: HttpRequest) -> Iterator[tuple[dict[str, str], str]]:
        [name] = self.parameters
        for value, label in IncidentFilterSet.base_filters[name].extra["choices"]:
            yield {name: value}, str(label)


class EventTypeFilter(ChoiceFilter):
    title = "event type"
    parameters = ("event_type",)


class StatusFilter(ChoiceFilter):
    title = "status"
    parameters = ("status",)

    def lookups(self, request: HttpRequest) -> Iterator[tuple[dict[str, str], str]]:
        # Only the statuses this user may ask for, as the FilterSet decides it.
        nothing = Incident.objects.none()
        for values, label in super().lookups(request):
            if incident_filterset(request, values, nothing).is_valid():
                yield values, label


class ConfidenceFilter(ChoiceFilter):
    title = "confidence"
    parameters = ("confidence",)


class CountryFilter(FilterSetListFilter):
    """Only the countries that have incidents, not all 249 of ISO 3166."""

    title = "country"
    parameters = ("country",)

    def lookups(self, request: HttpRequest) -> Iterator[tuple[dict[str, str], str]]:
        codes = (
            Location.objects.filter(incidents__isnull=False)
            .values_list("country", flat=True)
            .distinct()
            .order_by("country")
        )
        for code in codes:
            yield {"country": code}, f"{gazetteer.country_name(code)} ({code})"


class DateFilter(FilterSetListFilter):
    """The years in which incidents start, in the FilterSet's dates: an incident's date is
    when it happened, so days counted back from today say little about it."""

    title = "year"
    all_label = "Any year"
    parameters = ("date_after", "date_before")

    def lookups(self, request: HttpRequest) -> Iterator[tuple[dict[str, str], str]]:
        for year in Incident.objects.dates("date_start", "year", order="DESC"):
            yield date_span(year, year.replace(month=12, day=31)), str(year.year)


def date_span(first: dt.date, last: dt.date) -> dict[str, str]:
    return {"date_after": first.isoformat(), "date_before": last.isoformat()}


def end_of_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


# -- The date bar above the list: years, a year's months, a month's days ----------------------


def date_bar_context(changelist: IncidentChangeList) -> dict[str, Any]:
    """Django's date hierarchy, in the FilterSet's `date_after` and `date_before`: the
    context of admin/date_hierarchy.html."""

    def link(first: dt.date | None = None, last: dt.date | None = None) -> str:
        span = date_span(first, last) if first and last else {}
        return changelist.get_query_string(span, remove=DateFilter.parameters)

    def starts(first: dt.date, last: dt.date, kind: str) -> list[dt.date]:
        within = changelist.queryset.filter(date_start__range=(first, last))
        return list(within.dates("date_start", kind))

    first, last = chosen_span(changelist.params)
    if first is None or last is None:
        years = changelist.queryset.dates("date_start", "year")
        choices = [
            {"link": link(year, year.replace(month=12, day=31)), "title": str(year.year)}
            for year in years
        ]
        return {"show": True, "back": None, "choices": choices}
    year_start, month_end = first.replace(month=1, day=1), end_of_month(first)
    if first == last:
        back = {"link": link(first.replace(day=1), month_end), "title": f"{first:%B %Y}"}
        return {"show": True, "back": back, "choices": [{"title": f"{first:%B} {first.day}"}]}
    if first.day == 1 and last == month_end:
        back = {
            "link": link(year_start, year_start.replace(month=12, day=31)),
            "title": str(first.year),
        }
        days = starts(first, last, "day")
        choices = [{"link": link(day, day), "title": f"{day:%B} {day.day}"} for day in days]
        return {"show": True, "back": back, "choices": choices}
    if first == year_start and last == first.replace(month=12, day=31):
        months = starts(first, last, "month")
        choices = [
            {"link": link(month, end_of_month(month)), "title": f"{month:%B %Y}"}
            for month in months
        ]
        return {"show": True, "back": {"link": link(), "title": "All dates"}, "choices": choices}
    return {"show": True, "back": {"link": link(), "title": "All dates"}, "choices": []}


def chosen_span(params: dict[str, str]) -> tuple[dt.date | None, dt.date | None]:
    """The days `date_after` and `date_before` name (the change list has checked them)."""
    first, last = params.get("date_after"), params.get("date_before")
    return (
        dt.date.fromisoformat(first) if first else None,
        dt.date.fromisoformat(last) if last else None,
    )
