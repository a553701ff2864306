"""Renderers that let content negotiation pick CSV or GeoJSON (`?format=` or Accept), the
negotiation that lets `?format=` win, and JSON that sends text rendered earlier as it is.

Views stream these formats themselves (row by row, with no cap), so the renderers only
name the formats; anything else a view returns in them (an error) is sent as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class RenderedJSON:
    """A value's JSON text, as JSONRenderer wrote it (compact), to send as it is."""

    text: str


class StoredJSONRenderer(JSONRenderer):
    """JSONRenderer that sends a RenderedJSON answer, or a page whose `results` (its last key)
    are RenderedJSON, by joining the texts: the bytes JSONRenderer would write for the values
    they hold, without building those values. An indented answer is written from the values."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        results = data.get("results") if isinstance(data, dict) else None
        stored_page = isinstance(results, list) and all(
            isinstance(item, RenderedJSON) for item in results
        )
        if not (isinstance(data, RenderedJSON) or stored_page):
            return super().render(data, accepted_media_type, renderer_context)
        if self.get_indent(accepted_media_type or "", renderer_context or {}) is not None:
            return super().render(_values(data), accepted_media_type, renderer_context)
        if isinstance(data, RenderedJSON):
            return data.text.encode()
        envelope = super().render({**data, "results": []}, accepted_media_type, renderer_context)
        head, tail = envelope.rsplit(b"[]", 1)
        joined = ",".join(item.text for item in results or ())
        return b"".join((head, b"[", joined.encode(), b"]", tail))


def _values(data: Any) -> Any:
    if isinstance(data, RenderedJSON):
        return json.loads(data.text)
    return {**data, "results": [json.loads(item.text) for item in data["results"]]}
