"""One version of an incident in the API: `GET /api/v1/incidents/<public id>/?version=<n>`.

The answer has the form of the incident's current representation, so that a client can
compare two versions field by field, and adds `version_info`: which version it is, when it
was saved, and where it and the current record are.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.utils.urls import replace_query_param

from core.site_urls import absolute_url
from incidents import citation_formats
from incidents.versions import IncidentVersion

VERSION = "version"

VERSION_PARAMETER = OpenApiParameter(
    VERSION,
    OpenApiTypes.INT,
    description="A version number (the incident's `version`, raised by every save): the record "
    "as it was then, in the same form, with `version_info`. Anonymous users and researchers "
    "may read the versions that were published or retracted; a merged record's versions "
    "are answered, not redirected. JSON only.",
)


class VersionQuery(serializers.Serializer):
    """The `version` query parameter, refused by name when it is not a version number."""

    version = serializers.IntegerField(
        min_value=1,
        error_messages={
            "invalid": "A version is a whole number from 1.",
            "min_value": "A version is a whole number from 1.",
        },
    )

    @classmethod
    def number_in(cls, params) -> int:
        query = cls(data={VERSION: params.get(VERSION)})
        query.is_valid(raise_exception=True)
        return query.validated_data[VERSION]


class VersionInfoSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="The version shown.")
    saved_at = serializers.DateTimeField(help_text="When the version was saved.")
    is_current = serializers.BooleanField(help_text="Whether the record is still as shown.")
    current_version = serializers.IntegerField(source="current.version")
    url = serializers.SerializerMethodField(help_text="This version in the API.")
    page = serializers.SerializerMethodField(help_text="This version's page, to cite.")
    current_url = serializers.SerializerMethodField(help_text="The current record in the API.")

    def get_url(self, version: IncidentVersion) -> str:
        return replace_query_param(self.get_current_url(version), VERSION, version.number)

    def get_page(self, version: IncidentVersion) -> str:
        return citation_formats.version_url(version.record)

    def get_current_url(self, version: IncidentVersion) -> str:
        return absolute_url(reverse("incident-detail", args=[version.current.public_id]))


def version_data(incident_data: dict[str, Any], version: IncidentVersion) -> dict[str, Any]:
    """The representation of `version.record` (`incident_data`) with its `version_info`."""
    return {**incident_data, "version_info": VersionInfoSerializer(version).data}
