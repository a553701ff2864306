"""Renderers that let content negotiation pick CSV or GeoJSON (`?format=` or Accept).

Views stream these formats themselves (row by row, with no cap), so the renderers only
name the formats; anything else a view returns in them (an error) is sent as JSON.
"""

from __future__ import annotations

from rest_framework.renderers import JSONRenderer


class CSVRenderer(JSONRenderer):
    media_type = "text/csv"
    format = "csv"


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


STREAMED_FORMATS = {CSVRenderer.format, GeoJSONRenderer.format}
