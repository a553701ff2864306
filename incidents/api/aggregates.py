"""Counts over the incidents a list's filters choose, without listing them: how many (`count/`),
how many per value of each facet (`facets/`, counted by `incidents.facets`) and per period
(`timeline/`, counted by `incidents.timeline`). Each reads the stored counts of public incidents
when they can answer the request (`incidents.counting.Counted`), the incidents otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from incidents import facets, timeline
from incidents.counting import Counted
from incidents.filters import IncidentFilterSet

if TYPE_CHECKING:
    _GenericViewSet = viewsets.GenericViewSet
else:
    _GenericViewSet = object

FACET_PARAMETER = OpenApiParameter(
    "facet",
    OpenApiTypes.STR,
    many=True,
    explode=False,
    enum=list(facets.FACETS),
    description="The facets to count, comma-separated or repeated; default all. Each value is "
    "selected by the filter of the facet's name, except `year`, selected by "
    "`date_after=YYYY-01-01&date_before=YYYY-12-31` within the query's own `date_after` and "
    "`date_before`: an incident counts in every year it has a day in.",
)
FACETS_RESPONSE = inline_serializer(
    "IncidentFacets",
    {
        "count": serializers.IntegerField(help_text="Incidents matching the filters."),
        "facets": serializers.DictField(
            help_text="For each facet asked for, its most frequent values (at most "
            f"{facets.FACET_SIZE}), most frequent first.",
            child=inline_serializer(
                "IncidentFacetValue",
                {
                    "value": serializers.CharField(
                        help_text="What the facet's filter parameter is given to select it."
                    ),
                    "label": serializers.CharField(),
                    "count": serializers.IntegerField(
                        help_text="Matching incidents with this value."
                    ),
                },
                many=True,
            ),
        ),
    },
)
INTERVAL_PARAMETER = OpenApiParameter(
    "interval",
    OpenApiTypes.STR,
    enum=list(timeline.INTERVALS),
    description="The length of a period (weeks run Monday to Sunday). Default: the shortest "
    f"giving at most {timeline.MAX_CHOSEN_BARS} periods over the selection's first days; "
    f"one asked for may give at most {timeline.MAX_BARS}.",
)
TIMELINE_RESPONSE = inline_serializer(
    "IncidentTimeline",
    {
        "interval": serializers.ChoiceField(
            choices=timeline.INTERVALS, help_text="The length of each period."
        ),
        "interval_chosen": serializers.BooleanField(
            help_text="Whether the interval was chosen from the span, not asked for."
        ),
        "total": serializers.IntegerField(help_text="Incidents matching the filters."),
        "event_types": serializers.ListField(
            child=serializers.CharField(),
            help_text=f"The event types counted, `{timeline.UNKNOWN}` for incidents without one.",
        ),
        "periods": inline_serializer(
            "IncidentTimelinePeriod",
            {
                "start": serializers.DateField(),
                "end": serializers.DateField(help_text="The period's last day."),
                "total": serializers.IntegerField(help_text="Incidents that began in it."),
                "counts": serializers.DictField(
                    child=serializers.IntegerField(),
                    help_text="Of them, how many of each event type (every one of "
                    "`event_types`, 0 included).",
                ),
                "filters": serializers.DictField(
                    child=serializers.CharField(),
                    allow_null=True,
                    help_text="The parameters to set on the same query to list the incidents "
                    "counted: `start_after` and `date_before`. Null when the query's "
                    "`date_after` is later than the period.",
                ),
            },
            many=True,
            help_text="Every period from the first incident's to the last's, oldest first.",
        ),
    },
)


class CountedSelection(_GenericViewSet):
    """The request's filters, read as the list reads them, as a selection to count."""

    def valid_filterset(self) -> IncidentFilterSet:
        """The request's filters, as the list reads them; a 400 naming each one refused."""
        backend = self.filter_backends[0]()
        assert isinstance(backend, DjangoFilterBackend)
        filterset = backend.get_filterset(self.request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise utils.translate_validation(filterset.errors)
        return filterset

    def counted_selection(self) -> Counted:
        """The request's selection, from the stored counts when they can answer it (the reader
        sees public records only and every filter reads a column they hold)."""
        return Counted.of(self.valid_filterset())


class IncidentAggregates(CountedSelection):
    """The list's counts, on the same filters, visibility and defaults as its pages."""

    @extend_schema(
        parameters=[],
        responses=inline_serializer("IncidentCount", {"count": serializers.IntegerField()}),
    )
    @action(
        detail=False,
        pagination_class=None,
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer],
    )
    def count(self, request: Request):
        """How many incidents match the filters: exactly the rows the list pages through."""
        return Response({"count": self.counted_selection().count()})

    # The list's filters are documented too: drf-spectacular shows them on lists only.
    @extend_schema(parameters=[FACET_PARAMETER], responses=FACETS_RESPONSE, filters=True)
    @action(
        detail=False,
        pagination_class=None,
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer],
    )
    def facets(self, request: Request):
        """How many of the incidents that match the filters have each event type, country,
        actor, year…: the explorer page's facets. Takes every filter of the list."""
        try:
            asked = facets.requested(request.query_params.getlist("facet"))
        except facets.UnknownFacet as unknown:
            raise ValidationError({"facet": [facets.unknown_message(unknown.name)]}) from unknown
        selection = self.counted_selection()
        counts = facets.counted(selection, asked)
        return Response(
            {
                "count": selection.count(),
                "facets": {
                    each.facet.name: [vars(value) for value in each.values] for each in counts
                },
            }
        )

    @extend_schema(parameters=[INTERVAL_PARAMETER], responses=TIMELINE_RESPONSE, filters=True)
    @action(
        detail=False,
        pagination_class=None,
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer],
    )
    def timeline(self, request: Request):
        """How many of the incidents that match the filters began in each day, week, month or
        year, by event type: the explorer page's timeline. An incident counts under the period
        of its first day. Takes every filter of the list."""
        try:
            interval = timeline.interval_asked(request.query_params.get("interval"))
            filterset = self.valid_filterset()
            counts = timeline.counted(Counted.of(filterset), interval)
        except (timeline.UnknownInterval, timeline.TooManyBars) as error:
            raise ValidationError({"interval": [timeline.interval_message(error)]}) from error
        return Response(
            {
                "interval": counts.interval,
                "interval_chosen": counts.chosen,
                "total": counts.total,
                "event_types": counts.event_types,
                "periods": [
                    {
                        "start": bar.start,
                        "end": bar.end,
                        "total": bar.total,
                        "counts": bar.counts,
                        "filters": timeline.bar_filters(bar, filterset.form.cleaned_data),
                    }
                    for bar in counts.bars
                ],
            }
        )
