"""Counts over the incidents a list's filters choose, without listing them: how many (`count/`)
and how many per value of each facet (`facets/`, counted by `incidents.facets`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from incidents import facets

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
    "selected by the filter of the facet's name, except `year` (an incident counts in the year "
    "of its first day), selected by `date_after=YYYY-01-01&date_before=YYYY-12-31`.",
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


class IncidentAggregates(_GenericViewSet):
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
        return Response({"count": self.filter_queryset(self.get_queryset()).count()})

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
        matching = self.filter_queryset(self.get_queryset())
        counts = facets.counted(matching, asked)
        return Response(
            {
                "count": matching.count(),
                "facets": {
                    each.facet.name: [vars(value) for value in each.values] for each in counts
                },
            }
        )
