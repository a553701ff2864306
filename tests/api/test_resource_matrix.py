from __future__ import annotations

from typing import Any

from tests.api.resources import ResourceMatrix
from tests.factories import (
    ActorFactory,
    CitationFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
    SourceFactory,
)


class TestIncidents(ResourceMatrix):
    base_url = "/api/v1/incidents/"

    def make_row(self):
        incident = IncidentFactory(status="published")
        IncidentActorFactory(incident=incident)
        return incident

    def make_deletable_row(self):
        # A published incident is retracted, not deleted (tests/api/test_incident_workflow.py).
        return IncidentFactory(status="draft")

    def row_url(self, row) -> str:
        return f"{self.base_url}{row.public_id}/"

    def write_headers(self, row) -> dict[str, str]:
        return {"HTTP_IF_MATCH": row.etag}

    def create_payload(self) -> dict[str, Any]:
        place, actor, source = LocationFactory(), ActorFactory(), SourceFactory()
        return {
            "title": "Two drones shot down over the airport",
            "date_start": "2022-01-03",
            "event_type": "Strategic developments",
            "sub_event_type": "Disrupted weapons use",
            "weapon": "armed drone",
            "munition_count": 2,
            "outcome": "intercepted",
            "location": place.pk,
            "date_precision": "day",
            "geo_precision": 2,
            "confidence": "single source",
            "tags": ["airport"],
            "actors": [{"actor": actor.pk, "role": "interceptor", "attribution": "confirmed"}],
            "citations": [{"source": source.pk, "quote": "Two drones were shot down."}],
        }

    def update_payload(self, row) -> dict[str, Any]:
        payload = self.create_payload()
        payload["status"] = row.status
        return payload

    def partial_payload(self) -> dict[str, Any]:
        return {"title": "Corrected title"}


class TestActors(ResourceMatrix):
    base_url = "/api/v1/actors/"

    def make_row(self):
        # Readers see an actor while a public incident names it (test_draft_only_records.py).
        return IncidentActorFactory(incident=IncidentFactory(status="published")).actor

    def make_deletable_row(self):
        return ActorFactory()  # an actor that takes part in an incident cannot be deleted

    def create_payload(self) -> dict[str, Any]:
        return {"name": "Kataib Hezbollah", "aliases": ["KH"], "actor_type": 3}

    def update_payload(self, row) -> dict[str, Any]:
        return {"name": row.name + " (renamed)", "actor_type": 2, "country": "IRQ"}

    def partial_payload(self) -> dict[str, Any]:
        return {"country": "SYR"}


class TestSources(ResourceMatrix):
    base_url = "/api/v1/sources/"

    def make_row(self):
        return CitationFactory(incident=IncidentFactory(status="published")).source

    def make_deletable_row(self):
        return SourceFactory()  # a cited source cannot be deleted

    def create_payload(self) -> dict[str, Any]:
        return {
            "title": "Coalition statement",
            "publisher": "CJTF-OIR",
            "source_type": "official statement",
            "source_url": "https://example.org/statement",
            "published_at": "2022-01-05",
        }

    def update_payload(self, row) -> dict[str, Any]:
        return {"title": "Renamed", "publisher": "Al Arabiya", "source_type": "news"}

    def partial_payload(self) -> dict[str, Any]:
        return {"language": "ar"}


class TestLocations(ResourceMatrix):
    base_url = "/api/v1/locations/"

    def make_row(self):
        return IncidentFactory(status="published").location

    def make_deletable_row(self):
        return LocationFactory()  # the place of an incident cannot be deleted

    def create_payload(self) -> dict[str, Any]:
        return {
            "name": "Ain al-Asad Air Base",
            "kind": "military base",
            "latitude": 33.7856,
            "longitude": 42.4411,
            "country": "IRQ",
            "admin1": "IQ-AN",
        }

    def update_payload(self, row) -> dict[str, Any]:
        return {**self.create_payload(), "name": "Renamed base"}

    def partial_payload(self) -> dict[str, Any]:
        return {"latitude": 33.5}
