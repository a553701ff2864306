from __future__ import annotations

from rest_framework import serializers

from core.api import BriefRelatedField, LinesField, ModelValidationMixin, SelfLinkField
from core.json_types import JSONTypesMixin
from geo.models import Location


class LocationBriefSerializer(serializers.ModelSerializer):
    url = SelfLinkField(view_name="location-detail")

    class Meta:
        model = Location
        fields = ["id", "url", "name", "country", "latitude", "longitude"]


class LocationSerializer(JSONTypesMixin, ModelValidationMixin, serializers.ModelSerializer):
    url = SelfLinkField(view_name="location-detail")
    alternate_names = LinesField(required=False)
    # The serializer's metaclass moves declared fields out of the class (Field.parent stays).
    parent = BriefRelatedField(  # type: ignore[assignment]
        LocationBriefSerializer,
        queryset=Location.objects.all(),
        allow_null=True,
        required=False,
    )
    admin1_name = serializers.CharField(read_only=True)
    country_name = serializers.CharField(read_only=True)

    class Meta:
        model = Location
        fields = [
            "id",
            "url",
            "name",
            "alternate_names",
            "kind",
            "latitude",
            "longitude",
            "country",
            "country_name",
            "admin1",
            "admin1_name",
            "admin2",
            "parent",
            "geonames_id",
            "wikidata_id",
            "created_at",
            "updated_at",
        ]
