from __future__ import annotations

from django.db import transaction
from django.http import HttpResponseBase, StreamingHttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings

from core.api import (
    BriefListMixin,
    Conflict,
    QSearchFilter,
    StrictQueryParameters,
    require_if_match,
)
from core.pagination import SiteCursorPagination
from core.renderers import STREAMED_FORMATS, CSVRenderer, GeoJSONRenderer, StoredJSONRenderer
from core.site_urls import absolute_url
from csvio.export import streamed_incidents
from csvio.layouts import PRESETS
from incidents.api import public_records
from incidents.api.aggregates import FACET_PARAMETER, INTERVAL_PARAMETER, IncidentAggregates
from incidents.api.clusters import ZOOM_PARAMETER, IncidentClusters
from incidents.api.history_serializers import HistoryEntrySerializer, StaffHistoryEntrySerializer
from incidents.api.merge import MERGE_RESULT, MergeSerializer, preview_data
from incidents.api.serializers import (
    ActorBriefSerializer,
    ActorSerializer,
    ExportOptions,
    IncidentSerializer,
    SourceBriefSerializer,
    SourceSerializer,
)
from incidents.api.versions import VERSION, VERSION_PARAMETER, VersionQuery, version_data
from incidents.filters import (
    DEFAULT_STATUS,
    IncidentFilterSet,
    filters_named_in,
    statuses_named_in,
)
from incidents.merging import merge, preview
from incidents.models import Actor, Incident, Source
from incidents.taxonomy import PUBLIC_STATUSES, Status
from incidents.version_changes import STAFF_ONLY_FIELDS, with_changes
from incidents.versions import find_version, with_rows
from incidents.workflow import is_editor, sees_every_status

# Writes that change a record the client has read: they must name its version (If-Match).
VERSIONED_WRITES = ("PUT", "PATCH", "DELETE")

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv", "geojson"],
    description="`csv` and `geojson` return every matching incident as one download, "
    "without paging; so do `Accept: text/csv` and `Accept: application/geo+json`.",
)

# An export's layout: the export URL's, and the list's or one incident's with format=csv or geojson.
LAYOUT_PARAMETERS = [
    OpenApiParameter(
        "preset",
        OpenApiTypes.STR,
        enum=sorted(PRESETS),
        description="Column layout: `native` (every field, re-importable), `acled` or `ucdp` "
        "(those datasets' columns and codes; having no status column, they hold published "
        "records only, or the statuses `status` names, never retracted ones). Default `native`.",
    ),
    OpenApiParameter(
        "include_all",
        OpenApiTypes.BOOL,
        description="`1` keeps incidents the preset's dataset would not hold (UCDP GED holds "
        "only events with at least one death).",
    ),
]
EXPORT_FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["csv", "geojson"],
    description="`csv` (default) or `geojson`.",
)
# The parameters each read of the list takes besides its filters and paging, as the schema
# shows them; StrictQueryParameters refuses any other.
QUERY_PARAMETERS = {
    "list": [FORMAT_PARAMETER, *LAYOUT_PARAMETERS],
    "export": [*LAYOUT_PARAMETERS, EXPORT_FORMAT_PARAMETER],
    "count": [],
    "facets": [FACET_PARAMETER],
    "clusters": [ZOOM_PARAMETER],
    "timeline": [INTERVAL_PARAMETER],
}


def last_change(incident: Incident) -> str:
    who = f" by {incident.updated_by.username}" if incident.updated_by else ""
    return f"version {incident.version}, saved{who} at {incident.updated_at:%Y-%m-%d %H:%M:%S} UTC"


def redirect_to(kept: Incident, request: Request) -> Response:
    """A merged duplicate answers with the record it was merged into."""
    path = reverse("incident-detail", kwargs={"public_id": kept.public_id})
    query = request.META.get("QUERY_STRING")
    location = absolute_url(f"{path}?{query}" if query else path)
    return Response(status=status.HTTP_301_MOVED_PERMANENTLY, headers={"Location": location})


def versioned(response: Response, incident: Incident) -> Response:
    """The response, with the ETag of the record's version it shows."""
    response["ETag"] = incident.etag
    return response


class HistoryPagination(SiteCursorPagination):
    ordering = "-history_id"
    page_size = 50
    max_page_size = 1000


IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "minLength": 1},
    location=OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the version being changed, from a GET; 428 without it, "
    "412 when someone saved a newer version.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200, 201],
    description="The version of the record returned in JSON, to send back as If-Match.",
)
MERGED_DUPLICATE = OpenApiResponse(
    description="The incident was merged as a duplicate: Location names the record kept.",
)
KEPT_RECORD = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    location=OpenApiParameter.HEADER,
    response=[301],
    description="The record the duplicate was merged into (with the same query).",
)


class IncidentFilterBackend(DjangoFilterBackend):
    """IncidentFilterSet, allowed to filter by every status when the user sees every status.

    A list, its export and its count hold published records unless `status` asks for more;
    one record's address answers whatever its status (a retracted record stays citable).
    """

    def get_filterset_kwargs(self, request: Request, queryset, view) -> dict:
        return {
            **super().get_filterset_kwargs(request, queryset, view),
            "sees_every_status": sees_every_status(request.user),
            "default_status": None if view.detail else DEFAULT_STATUS,
        }


@extend_schema_view(
    list=extend_schema(parameters=QUERY_PARAMETERS["list"]),
    retrieve=extend_schema(
        parameters=[FORMAT_PARAMETER, *LAYOUT_PARAMETERS, VERSION_PARAMETER, ETAG, KEPT_RECORD],
        responses={200: IncidentSerializer, 301: MERGED_DUPLICATE},
    ),
    create=extend_schema(parameters=[ETAG]),
    update=extend_schema(parameters=[IF_MATCH, ETAG]),
    partial_update=extend_schema(parameters=[IF_MATCH, ETAG]),
    destroy=extend_schema(parameters=[IF_MATCH, ETAG]),
)
class IncidentViewSet(
    IncidentAggregates, IncidentClusters, StrictQueryParameters, viewsets.ModelViewSet
):
    """Armed-conflict incidents; anonymous users and researchers see published records (and
    retracted ones, asked for with `status`)."""

    serializer_class = IncidentSerializer
    query_parameters = QUERY_PARAMETERS
    filter_backends = [IncidentFilterBackend]
    filterset_class = IncidentFilterSet
    lookup_field = "public_id"
    lookup_value_regex = r"[A-Za-z0-9-]+"
    renderer_classes = [
        StoredJSONRenderer,
        CSVRenderer,
        GeoJSONRenderer,
        *viewsets.ModelViewSet.renderer_classes[1:],
    ]

    def get_queryset(self):
        visible = Incident.objects.visible_to(self.request.user)
        if self.streams() or self.action in ("history", "count", "facets", "timeline", "clusters"):
            return visible  # the export loads what its columns need; counts need none
        if self.reads_public_records():
            return public_records.with_stored_texts(visible).select_related("duplicate_of")
        incidents = IncidentSerializer.eager_load(visible, visible)
        if self.request.method in VERSIONED_WRITES:
            # Locked until the write commits, so that of two writes naming the same version
            # the second waits, then finds the version changed.
            incidents = incidents.select_for_update(of=("self",))
        return incidents

    def get_object(self) -> Incident:
        incident = super().get_object()
        if self.request.method in VERSIONED_WRITES:
            require_if_match(self.request, incident.etag, last_change(incident))
        return incident

    def reads_public_records(self) -> bool:
        """Whether the answer is the read model's stored texts (incidents.PublicRecord): a
        reader who sees what the public sees reading the current JSON of a record or a page,
        without `format` (which every URL in the answer would repeat)."""
        request = getattr(self, "request", None)
        renderer = getattr(request, "accepted_renderer", None)
        return (
            request is not None
            and self.action in ("list", "retrieve")
            and request.method in ("GET", "HEAD")
            and isinstance(renderer, StoredJSONRenderer)
            and not sees_every_status(request.user)
            and not {VERSION, api_settings.URL_FORMAT_OVERRIDE} & set(request.query_params)
        )

    def streams(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return self.action == "export" or (
            renderer is not None and renderer.format in STREAMED_FORMATS
        )

    def get_renderers(self) -> list[BaseRenderer]:
        """The downloads (CSV, GeoJSON) are the list's, one incident's and the export's (which
        offers nothing else); every other action answers in JSON."""
        renderers = super().get_renderers()
        # (No action: a method the URL does not take, refused with a 405 once negotiated.)
        if self.action in ("list", "retrieve", None):
            return renderers
        streamed = self.action == "export"
        return [
            renderer for renderer in renderers if (renderer.format in STREAMED_FORMATS) == streamed
        ]

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # DRF answers an unknown ?format= with 404, as if the list were not there.
        asked = request.query_params.get(api_settings.URL_FORMAT_OVERRIDE)
        offered = {renderer.format for renderer in self.get_renderers()}
        if asked and asked not in offered and not force:
            raise ValidationError({"format": [f"Use one of: {', '.join(sorted(offered))}."]})
        return super().perform_content_negotiation(request, force)

    def list(self, request: Request, *args, **kwargs):
        ExportOptions.of(request.query_params)  # refused in any format, as the schema says
        if self.streams():
            return self.exported(request.accepted_renderer.format)
        if self.reads_public_records():
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            assert page is not None  # the list always pages
            return self.get_paginated_response(public_records.stored_texts(page))
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args, **kwargs):
        ExportOptions.of(request.query_params)
        incident = self.get_object()
        if VERSION in request.query_params:
            return self.version_of(incident, VersionQuery.number_in(request.query_params))
        if incident.duplicate_of is not None:
            return redirect_to(incident.duplicate_of, request)
        if self.streams():
            single = self.get_queryset().filter(pk=incident.pk)
            return self.exported(request.accepted_renderer.format, single)
        if self.reads_public_records():
            [text] = public_records.stored_texts([incident])
            return versioned(Response(text), incident)
        return versioned(Response(self.get_serializer(incident).data), incident)

    def version_of(self, incident: Incident, number: int) -> Response:
        """The incident as it was at version `number`; a merged record's too, since each
        version stays citable."""
        if self.streams():
            raise ValidationError({VERSION: ["A version is answered in JSON: leave out format."]})
        user = self.request.user
        version = find_version(incident, number, public_only=not sees_every_status(user))
        if version is None:
            raise NotFound(f"{incident.public_id} has no version {number} that you may read.")
        with_rows(version, linkable=Incident.objects.visible_to(user))
        data = version_data(self.get_serializer(version.record).data, version)
        return versioned(Response(data), version.record)

    def perform_create(self, serializer) -> None:
        serializer.save()
        self.written = serializer.instance

    def perform_update(self, serializer) -> None:
        serializer.save()
        self.written = serializer.instance

    def create(self, request: Request, *args, **kwargs):
        return versioned(super().create(request, *args, **kwargs), self.written)

    @transaction.atomic
    def update(self, request: Request, *args, **kwargs):
        return versioned(super().update(request, *args, **kwargs), self.written)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "reason",
                OpenApiTypes.STR,
                description="Why a published incident is retracted (required for those; "
                "also accepted in a JSON body).",
            )
        ],
        responses={200: IncidentSerializer, 204: None},
    )
    @transaction.atomic
    def destroy(self, request: Request, *args, **kwargs):
        """Delete a draft; a published incident is retracted instead and stays citable."""
        incident = self.get_object()
        if incident.status == Status.RETRACTED:
            raise Conflict(f"{incident.public_id} is already retracted.")
        if incident.status != Status.PUBLISHED:
            self.perform_destroy(incident)
            return Response(status=status.HTTP_204_NO_CONTENT)
        body = request.data if isinstance(request.data, dict) else {}
        reason = body.get("reason") or request.query_params.get("reason") or ""
        reason = reason.strip() if isinstance(reason, str) else ""
        if not reason:
            raise ValidationError(
                {"reason": ["A published incident is retracted, not deleted: say why."]}
            )
        serializer = self.get_serializer(
            incident, data={"status": Status.RETRACTED, "retraction_reason": reason}, partial=True
        )
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return versioned(Response(serializer.data), incident)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, pagination_class=HistoryPagination, filter_backends=[])
    def history(self, request: Request, public_id: str | None = None):
        """Every version of the incident, newest first: when it was saved, in which role (and,
        for analysts and editors, by whom), what changed."""
        incident = self.get_object()
        versions = incident.history.select_related("history_user").order_by("-history_id")
        staff = sees_every_status(request.user)
        if not staff:
            # The public record starts when it was first published: its drafts stay unseen,
            # and so does what its first public version changed from them.
            versions = versions.filter(status__in=PUBLIC_STATUSES)
        page = self.paginate_queryset(versions)
        assert page is not None  # the action always pages (HistoryPagination)
        older = versions.filter(history_id__lt=page[-1].history_id).first() if page else None
        hidden = () if staff else STAFF_ONLY_FIELDS
        entry_serializer = StaffHistoryEntrySerializer if staff else HistoryEntrySerializer
        entries = entry_serializer(with_changes(page, older, hidden=hidden), many=True)
        return self.get_paginated_response(entries.data)

    @extend_schema(request=MergeSerializer, responses=MERGE_RESULT, parameters=[ETAG])
    @action(detail=True, methods=["post"], filter_backends=[])
    def merge(self, request: Request, public_id: str | None = None):
        """Editors: retract this incident as the same event as `into`, moving its citations.
        With `"confirm": false`, what the merge would change (the differing fields included),
        and nothing written; with `"confirm": true`, the merge."""
        duplicate = self.get_object()
        if not is_editor(request.user):
            raise PermissionDenied("Only editors can merge incidents.")
        form = MergeSerializer(
            data=request.data, context={"incidents": self.get_queryset().filter(duplicate_of=None)}
        )
        form.is_valid(raise_exception=True)
        into, note = form.validated_data["into"], form.validated_data["note"]
        if not form.validated_data["confirm"]:
            return Response(preview_data(preview(duplicate, into, note=note), request))
        kept = merge(duplicate, into, user=request.user, note=note)
        kept = self.get_queryset().get(pk=kept.pk)
        return versioned(Response(self.get_serializer(kept).data), kept)

    @extend_schema(
        parameters=QUERY_PARAMETERS["export"],
    )
    @action(detail=False, url_path="export", pagination_class=None)
    def export(self, request: Request):
        """Every incident that matches the filters, streamed as one file, without a row cap."""
        fmt = request.accepted_renderer.format
        return self.exported(fmt if fmt in STREAMED_FORMATS else "csv")

    def exported(self, fmt: str, incidents=None) -> StreamingHttpResponse:
        """The filtered incidents (or `incidents`) in the layout the request names (`preset`,
        `include_all`)."""
        params = self.request.query_params
        preset, include_all = ExportOptions.of(params)
        statuses = statuses_named_in(params)
        matching = self.filter_queryset(self.get_queryset()) if incidents is None else incidents
        response = streamed_incidents(
            preset.export_queryset(matching, include_all=include_all, statuses=statuses),
            fmt,
            preset,
            links_to=self.get_queryset(),
            filters=filters_named_in(params),
        )
        if note := preset.export_note(include_all=include_all, statuses=statuses):
            response["Tessera-Export-Note"] = note
        return response

    # DRF passes any HttpResponseBase through, such as the streamed exports; the stubs say Response.
    def finalize_response(  # type: ignore[override]
        self, request: Request, response, *args, **kwargs
    ) -> HttpResponseBase:
        # Errors and other non-streamed answers to a CSV/GeoJSON request are sent as JSON, and
        # so are the refusals of the request's format itself.
        accepted = getattr(request, "accepted_renderer", None)
        if accepted is None or accepted.format in STREAMED_FORMATS:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class ActorViewSet(BriefListMixin, viewsets.ModelViewSet):
    """Armed groups, state forces and other parties, with aliases and backers."""

    serializer_class = ActorSerializer
    brief_serializer_class = ActorBriefSerializer
    filter_backends = [QSearchFilter]
    search_fields = ["name", "aliases"]

    def get_queryset(self):
        """Actors a public incident names, or every actor for analysts and editors; a parent
        or backer the reader may not see is left out (LinkedRecordQuerySet.public_with())."""
        if sees_every_status(self.request.user):
            return Actor.objects.select_related("parent").prefetch_related("backed_by")
        return Actor.objects.public_with("parent", "backed_by")


class SourceViewSet(BriefListMixin, viewsets.ModelViewSet):
    """Documents that report incidents, with their republication chain."""

    serializer_class = SourceSerializer
    brief_serializer_class = SourceBriefSerializer
    filter_backends = [QSearchFilter]
    search_fields = ["title", "publisher__name", "publisher__aliases", "author", "url"]

    def get_queryset(self):
        """Sources a public incident cites (or shows behind a citation), or every source for
        analysts and editors; an original or originator the reader may not see is left out
        (LinkedRecordQuerySet.public_with())."""
        if sees_every_status(self.request.user):
            sources = Source.objects.select_related("republished_from", "originator")
        else:
            sources = Source.objects.public_with("republished_from", "originator")
        return sources.order_by("-id")
