"""Incidents as CSV and GeoJSON, streamed row by row in constant memory, with no row cap.

The columns are a preset's (csvio.layouts); the API's `?format=csv|geojson`, its export
endpoint, the admin and `manage.py export_incidents` all write through here.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from csvio.copy import copy_chunks
from csvio.layouts import Preset
from csvio.layouts.base import EXPORTED_RELATIONS, Column, exported
from csvio.layouts.native import NATIVE
from incidents.models import Citation, Incident, IncidentActor, IncidentRelation, Tag

# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Rows fetched (with their actors, citations and tags) per round trip; memory holds about two
# chunks at a time, however long the export.
CHUNK_SIZE = 500


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: unknown is empty, text cannot turn into a formula."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer."""

    def write(self, line: str) -> str:
        return line


def csv_lines(incidents: Iterable[Incident], columns: list[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([column.name for column in columns])
    for incident in incidents:
        yield writer.writerow([csv_cell(column.value(incident)) for column in columns])


def geojson_chunks(incidents: Iterable[Incident], columns: list[Column]) -> Iterator[str]:
    """A FeatureCollection, one Feature per incident, written as it goes."""
    yield '{"type":"FeatureCollection","features":['
    separator = ""
    for incident in incidents:
        feature = {
            "type": "Feature",
            "id": incident.public_id,
            "geometry": {
                "type": "Point",
                "coordinates": [incident.location.longitude, incident.location.latitude],
            },
            "properties": {column.name: _json_value(column.value(incident)) for column in columns},
        }
        yield separator + json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
        separator = ","
    yield "]}"


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return csv_cell(value)
    return value


def with_export_columns(
    incidents: QuerySet[Incident], links_to: QuerySet[Incident] | None = None
) -> QuerySet[Incident]:
    """What the presets' columns read, in a fixed number of queries per chunk of rows; with
    `links_to`, also the relations to those incidents (the native layout lists them)."""
    # As lists (to_attr), read by csvio.layouts.base.related(): a prefetch into the related
    # manager would build a QuerySet per incident and relation.
    prefetched = [
        Prefetch("tags", Tag.objects.all(), to_attr=exported("tags")),
        Prefetch(
            "participants",
            IncidentActor.objects.select_related("actor"),
            to_attr=exported("participants"),
        ),
        Prefetch(
            "citations", Citation.objects.select_related("source"), to_attr=exported("citations")
        ),
    ]
    if links_to is not None:
        relations = IncidentRelation.objects.to_visible(links_to)
        prefetched.append(
            Prefetch(
                "relations_from",
                relations.order_by("kind", "to_incident__public_id"),
                to_attr=exported("relations_from"),
            )
        )
    return (
        incidents.defer("search_document", "search_vector")
        .select_related("location", "origin_location", "duplicate_of")
        .prefetch_related(*prefetched)
    )


def export_chunks(
    incidents: QuerySet[Incident],
    preset: Preset,
    fmt: str,
    *,
    links_to: QuerySet[Incident] | None = None,
) -> Iterator[str]:
    """`incidents` as CSV or GeoJSON in `preset`'s layout: through PostgreSQL's COPY when
    every column of the layout has its SQL (csvio.copy), else (or when COPY cannot write
    some row exactly) by the columns' Python.

    A layout that lists relations to other records (the native one) lists those the reader
    may see: `links_to`, by default the public ones (a link must not give away a draft's id).
    Its `duplicate_of` always names a public record: merges are made into public ones only.
    """
    if not preset.lists_links:
        links_to = None
    elif links_to is None:
        links_to = Incident.objects.public()
    if fmt == "csv" and preset.copies:
        copied = copy_chunks(incidents, preset, links_to=links_to)
        if copied is not None:
            return copied
    rows = _released(with_export_columns(incidents, links_to).iterator(chunk_size=CHUNK_SIZE))
    if fmt == "geojson":
        return geojson_chunks(rows, preset.columns)
    return csv_lines(rows, preset.columns)


def _released(incidents: Iterator[Incident]) -> Iterator[Incident]:
    for incident in incidents:
        yield incident
        # Prefetched actors and citations point back at their incident, a reference cycle
        # that only the cycle collector would free; dropping the lists frees each row now.
        for name in EXPORTED_RELATIONS:
            incident.__dict__.pop(exported(name), None)
        incident._state.fields_cache = {}


# How much of a file's name its filters may take.
FILTERS_IN_NAME = 80


def export_filename(preset: Preset, fmt: str, filters: Iterable[tuple[str, str]] = ()) -> str:
    """What the file holds (layout and filters) and when it was written, e.g.
    `tessera-incidents-acled-country-IRQ-20260105T1200Z.csv`."""
    stamp = timezone.now().strftime("%Y%m%dT%H%MZ")
    described = "-".join(f"{name}-{value}" for name, value in filters if value)
    # Safe in a header and on any file system; long filters are cut, the stamp kept.
    described = re.sub(r"[^A-Za-z0-9._-]+", "_", described)[:FILTERS_IN_NAME].strip("_-.")
    what = f"{preset.name}-{described}" if described else preset.name
    return f"{settings.TESSERA_NAME.lower()}-incidents-{what}-{stamp}.{fmt}"


def streamed_incidents(
    incidents: QuerySet[Incident],
    fmt: str,
    preset: Preset = NATIVE,
    *,
    links_to: QuerySet[Incident] | None = None,
    filters: Iterable[tuple[str, str]] = (),
) -> StreamingHttpResponse:
    """The whole queryset as a download, `fmt` being csv or geojson; `filters` (name, value)
    are what chose it, for the file's name."""
    content_type = "application/geo+json" if fmt == "geojson" else "text/csv; charset=utf-8"
    response = StreamingHttpResponse(
        export_chunks(incidents, preset, fmt, links_to=links_to), content_type=content_type
    )
    name = export_filename(preset, fmt, filters)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
