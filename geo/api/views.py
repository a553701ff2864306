from __future__ import annotations

from django.db.models import Prefetch
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
        reader may not see is left out (LinkedRecordQuerySet.public())."""
        if sees_every_status(self.request.user):
            places = Location.objects.select_related("parent")
        else:
            public = LinkedRecordQuerySet(Location).public()
            places = public.prefetch_related(Prefetch("parent", public))
        return places.order_by("name", "id")
