from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from core.api import BRIEF_PARAMETER, BriefListMixin, QSearchFilter
from geo.api.serializers import LocationBriefSerializer, LocationSerializer
from geo.models import Location


@extend_schema_view(list=extend_schema(parameters=[BRIEF_PARAMETER]))
class LocationViewSet(BriefListMixin, viewsets.ModelViewSet):
    """Places where incidents happen, with WGS84 coordinates and ISO 3166 country and area."""

    queryset = Location.objects.select_related("parent").order_by("name", "id")
    serializer_class = LocationSerializer
    brief_serializer_class = LocationBriefSerializer
    filter_backends = [QSearchFilter]
    search_fields = ["name", "alternate_names", "admin2"]
