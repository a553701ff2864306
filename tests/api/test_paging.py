from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tests.factories import IncidentFactory, LocationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"


def walk(client: APIClient, url: str, params: dict, between_pages=None) -> list[str]:
    seen: list[str] = []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [row["public_id"] for row in body["results"]]
        if between_pages:
            between_pages()
        if not body["next"]:
            return seen
        response = client.get(body["next"])


def make(count: int, **fields) -> list:
    place = LocationFactory()
    return [
        IncidentFactory(
            location=place, date_start=dt.date(2022, 1, 1) + dt.timedelta(days=n % 4), **fields
        )
        for n in range(count)
    ]


def test_walking_every_page_returns_each_incident_once_newest_first():
    incidents = make(9)

    seen = walk(APIClient(), URL, {"page_size": 2})

    assert sorted(seen) == sorted(i.public_id for i in incidents)
    assert len(seen) == len(set(seen))
    by_id = {i.public_id: i for i in incidents}
    dates = [by_id[public_id].date_start for public_id in seen]
    assert dates == sorted(dates, reverse=True)


def test_inserts_between_pages_neither_repeat_nor_shift_rows():
    originals = make(8)
    inserted = []

    def insert_newer_and_same_day():
        inserted.append(IncidentFactory(date_start=dt.date(2022, 1, 9)))
        inserted.append(IncidentFactory(date_start=dt.date(2022, 1, 2)))

    seen = walk(APIClient(), URL, {"page_size": 2}, between_pages=insert_newer_and_same_day)

    assert len(seen) == len(set(seen)), "a row was shown twice"
    assert {i.public_id for i in originals} <= set(seen), "a row was skipped"


@pytest.mark.parametrize(
    "ordering", ["date", "-date", "fatalities", "-fatalities", "updated_at", "-updated_at"]
)
def test_every_ordering_pages_through_all_rows_once(ordering):
    incidents = make(7)
    for n, incident in enumerate(incidents):
        incident.fatalities_best = None if n % 3 == 0 else n % 2  # unknowns and ties
        incident.fatalities_low = incident.fatalities_high = incident.fatalities_best
        incident.save()

    seen = walk(APIClient(), URL, {"page_size": 2, "ordering": ordering})

    assert sorted(seen) == sorted(i.public_id for i in incidents)
    if "fatalities" in ordering:
        by_id = {i.public_id: i for i in incidents}
        values = [by_id[public_id].fatalities_best for public_id in seen]
        known = [v for v in values if v is not None]
        assert values[len(known) :] == [None] * (len(values) - len(known)), "unknown last"
        assert known == sorted(known, reverse=ordering.startswith("-"))


def test_previous_link_returns_the_page_before():
    make(6)
    client = APIClient()
    first = client.get(URL, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    back = client.get(second["previous"]).json()

    assert first["previous"] is None
    assert back["results"] == first["results"]


def test_default_page_has_no_count_and_links():
    make(3)

    body = APIClient().get(URL).json()

    assert set(body) == {"next", "previous", "results"}
    assert body["next"] is None


@pytest.mark.parametrize("page_size", ["0", "1001", "ten"])
def test_page_size_out_of_range_is_a_400_naming_it(page_size):
    response = APIClient().get(URL, {"page_size": page_size})

    assert response.status_code == 400
    assert "page_size" in response.json()


def test_page_size_1000_is_allowed():
    assert APIClient().get(URL, {"page_size": 1000}).status_code == 200


def test_forged_cursor_is_a_400_naming_it():
    response = APIClient().get(URL, {"cursor": "not-a-cursor"})

    assert response.status_code == 400
    assert "cursor" in response.json()


def test_cursor_of_another_ordering_is_a_400():
    make(3)
    client = APIClient()
    next_url = client.get(URL, {"page_size": 1}).json()["next"]
    cursor = next_url.split("cursor=")[1].split("&")[0]

    response = client.get(URL, {"cursor": cursor, "ordering": "fatalities", "page_size": 1})

    assert response.status_code == 400
    assert "cursor" in response.json()
