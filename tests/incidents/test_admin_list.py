from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import Incident
from tests.factories import (
    CitationFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
)

LIST_URL = reverse("admin:incidents_incident_changelist")


def make_incidents(count: int) -> None:
    for day in range(count):
        incident = IncidentFactory(
            date_start=dt.date(2022, 1, 1) + dt.timedelta(days=day),
            location=LocationFactory(),
        )
        IncidentActorFactory.create_batch(2, incident=incident)
        CitationFactory(incident=incident)


def list_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "Rocket"}, {"status": "published"}, {"country": "IRQ", "date_after": "2022-01-02"}],
)
def test_incident_list_runs_the_same_queries_for_1_and_30_incidents(editor_client, params):
    make_incidents(1)
    with_one = list_queries(editor_client, **params)

    make_incidents(29)
    with_thirty = list_queries(editor_client, **params)

    assert with_one == with_thirty


def test_incident_list_shows_the_columns_analysts_scan(editor_client, seeded):
    page = editor_client.get(LIST_URL).content.decode()

    for text in (
        "SYR-2022-00001",
        Incident.objects.get(public_id="SYR-2022-00001").title,
        "2022-01-05",
        "Green Village, SYR",
        "Explosions/Remote violence",
        '<span class="status-badge status-published">published</span>',
    ):
        assert text in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "IRQ"}, {"IRQ-2022-00001", "IRQ-2022-00002", "IRQ-2022-00003"}),
        ({"event_type": "Strategic developments"}, {"IRQ-2022-00002", "IRQ-2022-00003"}),
        ({"q": "al-Mayadeen"}, {"SYR-2022-00002"}),
        ({"q": "Unidentified Iran-backed"}, {"SYR-2022-00001", "SYR-2022-00002", "IRQ-2022-00001"}),
        ({"q": "SDF"}, {"SYR-2022-00001"}),  # an actor's alias
        ({"q": "IRQ-2022-00003"}, {"IRQ-2022-00003"}),
        ({"date_after": "2022-01-03", "date_before": "2022-01-03"}, {"IRQ-2022-00003"}),
    ],
)
def test_incident_list_filters_and_search(editor_client, seeded, params, expected):
    response = editor_client.get(LIST_URL, params)

    shown = {incident.public_id for incident in response.context["cl"].result_list}
    assert shown == expected
