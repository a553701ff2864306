"""Renderers that let content negotiation pick CSV or GeoJSON (`?format=` or Accept), and the
negotiation that lets `?format=` win.

Views stream these formats themselves (row by row, with no cap), so the renderers only
name the formats; anything else a view returns in them (an error) is sent as JSON.
"""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer


class CSVRenderer(JSONRenderer):
    media_type = "text/csv"
    format = "csv"


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


STREAMED_FORMATS = {CSVRenderer.format, GeoJSONRenderer.format}


class FormatParameterFirst(DefaultContentNegotiation):
    """`?format=` (or a format suffix) chooses the renderer whatever the Accept header says.

    DRF matches the named format against Accept too, so `?format=csv` sent with
    `Accept: application/json` (as many generated clients send on every request) was a 406:
    the URL says what the client wants more precisely than a client-wide header.
    """

    def select_renderer(
        self, request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            named = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
            if not named:
                raise
            renderer = self.filter_renderers(renderers, named)[0]
            return renderer, renderer.media_type
