"""How many incidents match, without downloading them: `/incidents/count/` and `with_count=1`
on a list count exactly the rows the list pages through, with its filters and visibility."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from incidents.taxonomy import Status
from tests.factories import IncidentFactory, LocationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"
COUNT_URL = "/api/v1/incidents/count/"


@pytest.fixture
def records(seeded):
    """The five published demo events, and in Iraq a draft and a retracted record."""
    place = LocationFactory(country="IRQ")
    IncidentFactory(location=place, status=Status.DRAFT)
    IncidentFactory(location=place, status=Status.RETRACTED)


def csv_length(client: APIClient, params: dict) -> int:
    response = client.get(URL, {**params, "format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8")
    return len(list(csv.DictReader(io.StringIO(body))))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"country": "IRQ"},
        {"country": "IRQ", "status": "published,retracted"},
        {"sub_event_type": "Disrupted weapons use"},
        {"fatalities_min": "1"},
        {"country": "YEM"},
    ],
)
def test_the_count_is_the_number_of_rows_the_list_holds(records, params):
    client = APIClient()

    response = client.get(COUNT_URL, params)

    assert response.status_code == 200
    assert response.json() == {"count": csv_length(client, params)}


def test_counts_see_what_the_reader_may_see(records, analyst):
    staff = APIClient()
    staff.force_authenticate(analyst)

    assert APIClient().get(COUNT_URL, {"country": "IRQ"}).json() == {"count": 3}
    assert staff.get(COUNT_URL, {"country": "IRQ"}).json() == {"count": 3}
    assert staff.get(COUNT_URL, {"status": "draft"}).json() == {"count": 1}
    assert APIClient().get(COUNT_URL, {"status": "draft"}).status_code == 400


def test_a_bad_filter_on_the_count_is_a_400_naming_it(records):
    response = APIClient().get(COUNT_URL, {"date_after": "yesterday"})

    assert response.status_code == 400
    assert "date_after" in response.json()


def test_with_count_adds_the_count_to_the_first_page_only(records):
    client = APIClient()

    first = client.get(URL, {"country": "IRQ", "page_size": 2, "with_count": "1"}).json()
    second = client.get(first["next"]).json()
    plain = client.get(URL, {"country": "IRQ"}).json()

    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert "with_count=1" in first["next"]
    assert "count" not in second and len(second["results"]) == 1
    assert "count" not in plain


def test_with_count_takes_yes_and_no_and_refuses_anything_else(records):
    client = APIClient()

    assert "count" not in client.get(URL, {"with_count": "0"}).json()
    assert client.get(URL, {"with_count": "true"}).json()["count"] == 5
    refused = client.get(URL, {"with_count": "maybe"})
    assert refused.status_code == 400
    assert refused.json() == {"with_count": ["Use 1 or 0 (true or false)."]}


def test_the_count_is_json_whatever_format_is_asked(records):
    response = APIClient().get(COUNT_URL, {"format": "csv"})

    assert response.status_code == 400
    assert "format" in response.json()


def incident_queries(url: str, params: dict) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get(url, params)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries if '"incidents_' in q["sql"]]


def test_the_count_is_one_query(records):
    # COUNT(*) over the filtered incidents; the rest are throttling and transactions.
    [query] = incident_queries(COUNT_URL, {"country": "IRQ", "q": "base"})
    assert "COUNT(" in query.upper()


def test_with_count_costs_the_first_page_one_query(records):
    without = incident_queries(URL, {"country": "IRQ"})
    counted = incident_queries(URL, {"country": "IRQ", "with_count": "1"})

    assert len(counted) == len(without) + 1
