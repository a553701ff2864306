"""Anonymous readers and researchers read incidents from the read model (incidents.PublicRecord):
the same bytes the live serializer writes, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import EDITOR
from incidents.api.views import IncidentViewSet
from incidents.merging import merge
from incidents.models import IncidentRelation, PublicRecord
from incidents.taxonomy import RelationKind, Status
from tests.factories import (
    CitationFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"


@pytest.fixture
def mixed():
    """Published, retracted, draft, in review and merged records, linked to one another."""
    published = [
        IncidentFactory(date_start=dt.date(2022, 1, day), origin_location=LocationFactory())
        for day in range(1, 8)
    ]
    for incident in published:
        IncidentActorFactory.create_batch(2, incident=incident)
        CitationFactory.create_batch(2, incident=incident)
        incident.tags.create(name=f"tag {incident.pk}")
    draft = IncidentFactory(status=Status.DRAFT, title="Unpublished drone strike")
    in_review = IncidentFactory(status=Status.IN_REVIEW, title="Awaiting review")
    retracted = IncidentFactory(status=Status.RETRACTED, title="Withdrawn")
    for other in (draft, in_review, retracted, published[1]):
        IncidentRelation.objects.create(
            from_incident=published[0], to_incident=other, kind=RelationKind.RESPONSE_TO
        )
    merge(published[2], published[3], user=UserFactory(role=EDITOR), note="Same rockets.")
    return {"published": published, "draft": draft, "retracted": retracted}


def live(monkeypatch) -> None:
    """Answer from the live serializer, as before the read model."""
    monkeypatch.setattr(IncidentViewSet, "reads_public_records", lambda view: False)


def answers(client: APIClient, paths: list[str]) -> list[tuple[int, bytes, str | None]]:
    results = []
    for path in paths:
        response = client.get(path)
        results.append((response.status_code, response.content, response.get("ETag")))
    return results


def paths_to_read(mixed) -> list[str]:
    ids = [incident.public_id for incident in (*mixed["published"], mixed["retracted"])]
    first_page = json.loads(APIClient().get(URL, {"page_size": 3}).content)
    return [
        URL,
        f"{URL}?with_count=1&page_size=3",
        first_page["next"],
        f"{URL}?status=retracted",
        f"{URL}?status=published,retracted&ordering=-fatalities",
        f"{URL}?q=rocket&page_size=2",
        f"{URL}?country=IRQ",
        *(f"{URL}{public_id}/" for public_id in ids),
        f"{URL}{mixed['draft'].public_id}/",
    ]


@pytest.mark.parametrize("reader", ["anonymous", "researcher"])
def test_pages_and_records_from_the_read_model_are_the_live_serializers_bytes(
    mixed, reader, researcher, monkeypatch
):
    client = APIClient()
    if reader == "researcher":
        client.force_authenticate(researcher)
    paths = paths_to_read(mixed)
    stored = answers(client, paths)
    live(monkeypatch)
    assert stored == answers(client, paths)
    assert [status for status, _, _ in stored].count(404) == 1  # the draft's address
    merged = client.get(f"{URL}{mixed['published'][2].public_id}/")
    assert merged.status_code == 301


def test_an_indented_answer_is_the_live_serializers_too(mixed, monkeypatch):
    client = APIClient(HTTP_ACCEPT="application/json; indent=2")
    paths = [URL, f"{URL}{mixed['published'][0].public_id}/"]
    stored = answers(client, paths)
    assert b'\n  "next"' in stored[0][1]
    live(monkeypatch)
    assert stored == answers(client, paths)


def test_the_site_base_and_todays_date_are_the_readers(mixed, settings):
    settings.TESSERA_BASE_URL = "https://tessera.example.org/data"
    incident = mixed["published"][0]
    body = APIClient().get(f"{URL}{incident.public_id}/").json()
    assert body["url"] == f"https://tessera.example.org/data/api/v1/incidents/{incident.public_id}/"
    assert body["citation"].endswith(f"(accessed {dt.date.today():%Y-%m-%d}).")


def test_a_record_the_read_model_lags_behind_is_answered_as_it_is_now(mixed):
    incident = mixed["published"][0]
    PublicRecord.objects.filter(incident=incident).update(version=0, text='{"stale":true}')
    assert APIClient().get(f"{URL}{incident.public_id}/").json()["public_id"] == incident.public_id


def test_drafts_links_never_reach_a_stored_text(mixed):
    texts = "".join(PublicRecord.objects.values_list("text", flat=True))
    assert mixed["draft"].public_id not in texts
    assert "Awaiting review" not in texts
    assert "Withdrawn" in texts  # a retracted record is public, and so is a link to it


def incident_queries(params: dict, client: APIClient) -> tuple[int, int]:
    """(all queries, queries on incident data); the rest are throttling and sessions."""
    client.get(URL)  # what a reader's first request looks up once (their roles)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    on_incidents = [q for q in queries.captured_queries if '"incidents_' in q["sql"]]
    return len(queries), len(on_incidents)


@pytest.mark.parametrize("reader", ["anonymous", "researcher"])
def test_a_public_page_is_one_query_whatever_its_size(reader, researcher):
    client = APIClient()
    if reader == "researcher":
        client.force_authenticate(researcher)
    IncidentFactory.create_batch(3)
    small = incident_queries({"page_size": 2}, client)
    IncidentFactory.create_batch(60)
    large = incident_queries({"page_size": 50}, client)
    assert small == large
    # The page: each incident's keys with its stored text.
    assert large[1] == 1
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{URL}?with_count=1")
    assert len([q for q in queries.captured_queries if '"incidents_' in q["sql"]]) == 2


def test_a_public_record_is_one_query():
    incident = IncidentFactory()
    with CaptureQueriesContext(connection) as queries:
        assert APIClient().get(f"{URL}{incident.public_id}/").status_code == 200
    assert len([q for q in queries.captured_queries if '"incidents_' in q["sql"]]) == 1
