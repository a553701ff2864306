"""Incidents as CSV and GeoJSON, streamed row by row in constant memory, with no row cap.

Each format is a table of columns defined once; the API's `?format=csv|geojson` use them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from incidents.models import Incident

# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[Incident], Any]


def _actors(incident: Incident) -> str:
    return "; ".join(
        f"{row.actor.name} ({row.role}, {row.attribution})" for row in incident.participants.all()
    )


def _sources(incident: Incident) -> str:
    return "; ".join(
        f"{citation.source.publisher}: {citation.source.title}"
        for citation in incident.citations.all()
    )


def _tags(incident: Incident) -> str:
    return "; ".join(tag.name for tag in incident.tags.all())


INCIDENT_COLUMNS = [
    Column("public_id", lambda i: i.public_id),
    Column("title", lambda i: i.title),
    Column("date_start", lambda i: i.date_start),
    Column("date_end", lambda i: i.date_end),
    Column("date_precision", lambda i: i.date_precision),
    Column("event_type", lambda i: i.event_type),
    Column("sub_event_type", lambda i: i.sub_event_type),
    Column("violence_type", lambda i: i.violence_type),
    Column("weapon", lambda i: i.weapon),
    Column("munition_count", lambda i: i.munition_count),
    Column("outcome", lambda i: i.outcome),
    Column("damage", lambda i: i.damage),
    Column("location", lambda i: i.location.name),
    Column("country", lambda i: i.location.country),
    Column("admin1", lambda i: i.location.admin1),
    Column("latitude", lambda i: i.location.latitude),
    Column("longitude", lambda i: i.location.longitude),
    Column("geo_precision", lambda i: i.geo_precision),
    Column("fatalities_low", lambda i: i.fatalities_low),
    Column("fatalities_best", lambda i: i.fatalities_best),
    Column("fatalities_high", lambda i: i.fatalities_high),
    Column("injured", lambda i: i.injured),
    Column("confidence", lambda i: i.confidence),
    Column("status", lambda i: i.status),
    Column("actors", _actors),
    Column("sources", _sources),
    Column("tags", _tags),
    Column("summary", lambda i: i.summary),
    Column("updated_at", lambda i: i.updated_at),
]


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


def streamed_incidents(queryset: QuerySet[Incident], fmt: str) -> StreamingHttpResponse:
    """The whole queryset as a download, `fmt` being csv or geojson."""
    rows = queryset.iterator(chunk_size=CHUNK_SIZE)
    stamp = timezone.now().strftime("%Y%m%dT%H%MZ")
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(rows, INCIDENT_COLUMNS), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            geojson_chunks(rows, INCIDENT_COLUMNS), content_type="application/geo+json"
        )
    response["Content-Disposition"] = f'attachment; filename="incidents-{stamp}.{fmt}"'
    return response
