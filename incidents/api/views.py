from __future__ import annotations

from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from core.api import BRIEF_PARAMETER, BriefListMixin, QSearchFilter
from core.renderers import STREAMED_FORMATS, CSVRenderer, GeoJSONRenderer
from incidents.api.serializers import (
    ActorBriefSerializer,
    ActorSerializer,
    IncidentSerializer,
    SourceBriefSerializer,
    SourceSerializer,
)
from incidents.exports import streamed_incidents
from incidents.filters import IncidentFilterSet
from incidents.models import Actor, Incident, Source
from incidents.presets import PRESETS
from incidents.presets.native import NATIVE

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv", "geojson"],
    description="`csv` and `geojson` return every matching incident as one download, "
    "without paging; so do `Accept: text/csv` and `Accept: application/geo+json`.",
)


@extend_schema_view(
    list=extend_schema(parameters=[FORMAT_PARAMETER]),
    retrieve=extend_schema(parameters=[FORMAT_PARAMETER]),
)
class IncidentViewSet(viewsets.ModelViewSet):
    """Armed-conflict incidents; anonymous users and researchers see published records."""

    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    lookup_field = "public_id"
    lookup_value_regex = r"[A-Za-z0-9-]+"
    renderer_classes = [
        JSONRenderer,
        CSVRenderer,
        GeoJSONRenderer,
        *viewsets.ModelViewSet.renderer_classes[1:],
    ]

    def get_queryset(self):
        visible = Incident.objects.visible_to(self.request.user)
        if self.streams():
            return visible  # the export loads what its columns need
        return IncidentSerializer.eager_load(visible, visible)

    def streams(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return self.action == "export" or (
            renderer is not None and renderer.format in STREAMED_FORMATS
        )

    def list(self, request: Request, *args, **kwargs):
        if self.streams():
            queryset = self.filter_queryset(self.get_queryset())
            return streamed_incidents(queryset, request.accepted_renderer.format)
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args, **kwargs):
        if self.streams():
            incident = self.get_object()
            single = self.get_queryset().filter(pk=incident.pk)
            return streamed_incidents(single, request.accepted_renderer.format)
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "preset",
                OpenApiTypes.STR,
                enum=sorted(PRESETS),
                description="Column layout: `native` (every field, re-importable), `acled` "
                "or `ucdp` (those datasets' columns and codes). Default `native`.",
            ),
            OpenApiParameter(
                "include_all",
                OpenApiTypes.BOOL,
                description="`1` keeps incidents the preset's dataset would not hold (UCDP "
                "GED holds only events with at least one death).",
            ),
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["csv", "geojson"],
                description="`csv` (default) or `geojson`.",
            ),
        ],
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    @action(detail=False, url_path="export", pagination_class=None)
    def export(self, request: Request):
        """Every incident that matches the filters, streamed as one file, without a row cap."""
        preset_name = request.query_params.get("preset", NATIVE.name)
        if preset_name not in PRESETS:
            raise ValidationError({"preset": [f"Use one of: {', '.join(sorted(PRESETS))}."]})
        preset = PRESETS[preset_name]
        include_all = request.query_params.get("include_all") in ("1", "true")
        fmt = request.accepted_renderer.format
        fmt = fmt if fmt in STREAMED_FORMATS else "csv"
        matching = self.filter_queryset(self.get_queryset())
        response = streamed_incidents(
            preset.export_queryset(matching, include_all=include_all), fmt, preset
        )
        if preset.scope and not include_all:
            response["Tessera-Export-Note"] = preset.scope_note
        return response

    def finalize_response(self, request: Request, response, *args, **kwargs) -> HttpResponseBase:
        # Errors and other non-streamed answers to a CSV/GeoJSON request are sent as JSON.
        accepted = getattr(request, "accepted_renderer", None)
        if accepted is not None and accepted.format in STREAMED_FORMATS:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


@extend_schema_view(list=extend_schema(parameters=[BRIEF_PARAMETER]))
class ActorViewSet(BriefListMixin, viewsets.ModelViewSet):
    """Armed groups, state forces and other parties, with aliases and backers."""

    queryset = Actor.objects.select_related("parent").prefetch_related("backed_by")
    serializer_class = ActorSerializer
    brief_serializer_class = ActorBriefSerializer
    filter_backends = [QSearchFilter]
    search_fields = ["name", "aliases"]


@extend_schema_view(list=extend_schema(parameters=[BRIEF_PARAMETER]))
class SourceViewSet(BriefListMixin, viewsets.ModelViewSet):
    """Documents that report incidents, with their republication chain."""

    queryset = Source.objects.select_related("republished_from", "originator").order_by("-id")
    serializer_class = SourceSerializer
    brief_serializer_class = SourceBriefSerializer
    filter_backends = [QSearchFilter]
    search_fields = ["title", "publisher", "author", "url"]
