from __future__ import annotations

from rest_framework import viewsets

from core.api import BriefListMixin, QSearchFilter
from geo.api.serializers import LocationBriefSerializer, LocationSerializer
from geo.models import Location
from incidents.querysets import LinkedRecordQuerySet
from incidents.workflow import sees_every_status


class LocationViewSet(BriefListMixin, viewsets.ModelViewSet):
    """Places where incidents happen, with WGS84 coordinates and ISO 3166 country and area."""

    serializer_class = LocationSerializer
    brief_serializer_class = LocationBriefSerializer
    filter_backends = [QSearchFilter]
    search_fields = ["name", "alternate_names", "admin2"]

    def get_queryset(self):
        """Places of public incidents, or every place for analysts and editors; a parent the
        reader may not see is left out (LinkedRecordQuerySet.public_with())."""
        if sees_every_status(self.request.user):
            places = Location.objects.select_related("parent")
        else:
            places = LinkedRecordQuerySet(Location).public_with("parent")
        return places.order_by("name", "id")
