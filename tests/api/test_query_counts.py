from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import (
    CitationFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"


def make_incidents(count: int) -> None:
    for _ in range(count):
        incident = IncidentFactory(location=LocationFactory(), origin_location=LocationFactory())
        IncidentActorFactory.create_batch(3, incident=incident)
        CitationFactory.create_batch(2, incident=incident)
        incident.tags.create(name=f"tag {incident.pk}")


def queries_for(params: dict, user=None) -> tuple[int, int]:
    """(all queries, queries on incident data); the rest are throttling and transactions."""
    client = APIClient()
    client.force_authenticate(user)
    client.get(URL)  # what a reader's first request looks up once (their roles)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    on_incidents = [q for q in queries.captured_queries if '"incidents_' in q["sql"]]
    return len(queries), len(on_incidents)


@pytest.mark.parametrize("params", [{}, {"page_size": 1000}, {"country": "IRQ"}])
def test_incident_list_runs_the_same_queries_for_1_and_50_incidents(params):
    make_incidents(1)
    with_one = queries_for(params)

    make_incidents(49)
    with_fifty = queries_for(params)

    assert with_one == with_fifty
    # The page itself, each incident with its stored text (incidents.PublicRecord).
    assert with_fifty[1] == 1


@pytest.mark.parametrize("params", [{}, {"page_size": 1000}, {"country": "IRQ"}])
def test_incident_list_runs_the_same_queries_for_1_and_50_incidents_for_staff(params, editor):
    make_incidents(1)
    with_one = queries_for(params, editor)

    make_incidents(49)
    with_fifty = queries_for(params, editor)

    assert with_one == with_fifty
    # The page itself (with its places), then one query each for tags, actors (with their
    # actor), citations (with their source) and both directions of relations.
    assert with_fifty[1] == 6


def test_csv_export_queries_do_not_grow_per_row():
    make_incidents(1)
    with_one = _stream_queries()
    make_incidents(49)
    assert _stream_queries() == with_one


def _stream_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get(URL, {"format": "csv"})
        b"".join(response.streaming_content)
    return len(queries)
