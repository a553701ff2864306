"""`/api/v1/incidents/clusters/`: the list's incidents as a map draws them, counted per grid
cell (`incidents.clusters`), as GeoJSON."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core.schema import POINT
from core.site_urls import absolute_url
from geo.areas import Box
from incidents import clusters
from incidents.api.aggregates import CountedSelection
from incidents.filters import IncidentFilterSet

ZOOM = "zoom"
ZOOM_PARAMETER = OpenApiParameter(
    ZOOM,
    {"type": "integer", "minimum": 0, "maximum": clusters.MAX_ZOOM},
    required=True,
    description="The map's zoom, as web maps number it (0: the world in one 256 px tile). "
    f"Cells are {360 / clusters.CELLS_PER_TILE:g}/2^zoom degrees square; a bbox (default: "
    f"the world) may cover at most {clusters.MAX_CELLS} of them.",
)
BOX = {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4}
CLUSTER_PROPERTIES = {
    "count": {"type": "integer", "minimum": 1, "description": "Incidents in the cell."},
    "cell": {**BOX, "description": "The cell: min_lon, min_lat, max_lon, max_lat."},
    "extent": {
        **BOX,
        "description": "The box of the cell's incidents' places (zoom to it; a point when "
        "they share one place).",
    },
    "public_id": {"type": "string", "description": "When count is 1: the incident."},
    "title": {"type": "string"},
    "date_start": {"type": "string", "format": "date"},
    "date_end": {"type": "string", "format": "date"},
    "url": {"type": "string", "format": "uri", "description": "The incident's page."},
}
CLUSTERS_RESPONSE = {
    "type": "object",
    "description": "A GeoJSON FeatureCollection (RFC 7946): one Point per grid cell holding "
    "incidents, at their mean place.",
    "required": ["type", "features", "count", "unplotted", "zoom", "cell_size"],
    "properties": {
        "type": {"type": "string", "pattern": "^FeatureCollection$"},
        "count": {"type": "integer", "description": "Incidents matching the filters."},
        "unplotted": {
            "type": "integer",
            "description": "Of those, incidents whose place has no coordinates: on no cell.",
        },
        "zoom": {"type": "integer"},
        "cell_size": {"type": "number", "description": "A cell's side, in degrees."},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "pattern": "^Feature$"},
                    "geometry": POINT,
                    "properties": {
                        "type": "object",
                        "required": ["count", "cell", "extent"],
                        "properties": CLUSTER_PROPERTIES,
                    },
                },
            },
        },
    },
}


def _box(box: Box) -> list[float]:
    return [round(value, 6) for value in (box.min_lon, box.min_lat, box.max_lon, box.max_lat)]


def feature(cluster: clusters.Cluster) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "count": cluster.count,
        "cell": _box(cluster.cell),
        "extent": _box(cluster.extent),
    }
    if cluster.count == 1:
        properties.update(
            public_id=cluster.public_id,
            title=cluster.title,
            date_start=cluster.date_start.isoformat(),
            date_end=cluster.date_end.isoformat(),
            url=absolute_url(reverse("incident-page", args=[cluster.public_id])),
        )
    point = [round(cluster.longitude, 6), round(cluster.latitude, 6)]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": point},
        "properties": properties,
    }


class IncidentClusters(CountedSelection):
    """The list's map, on the same filters, visibility and defaults as its pages."""

    # The list's filters are documented too: drf-spectacular shows them on lists only.
    @extend_schema(parameters=[ZOOM_PARAMETER], responses={200: CLUSTERS_RESPONSE}, filters=True)
    @action(
        detail=False,
        pagination_class=None,
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer],
    )
    def clusters(self, request: Request):
        """The incidents that match the filters counted per cell of a grid sized by `zoom`,
        within `bbox`: the explorer page's map. A cell of one incident names it. Takes every
        filter of the list."""
        selection = self.counted_selection()  # a bad bbox is refused here
        box = IncidentFilterSet.base_filters["bbox"].field.clean(request.query_params.get("bbox"))
        try:
            grid = clusters.zoom_from(request.query_params.get(ZOOM))
            grid.check(box)
        except ValueError as error:
            raise ValidationError({ZOOM: [str(error)]}) from error
        counted = clusters.clustered(selection, grid)
        return Response(
            {
                "type": "FeatureCollection",
                "count": counted.plotted + counted.unplotted,
                "unplotted": counted.unplotted,
                "zoom": grid.zoom,
                "cell_size": grid.size,
                "features": [feature(cluster) for cluster in counted.clusters],
            }
        )
