"""Counts, facets, the timeline and the map say the same whether they are answered from the
stored counts of public incidents (the public's reads, when every filter reads a column the
counts hold) or by counting the incidents (analysts' reads, which never use them)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from incidents.models import PublicCount
from incidents.taxonomy import Status
from tests.factories import IncidentFactory, LocationFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/incidents/"
TYPES = [
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Violence against civilians", "Attack"),
]
AREAS = {"IRQ": ["IQ-BG", "IQ-AN", ""], "SYR": ["SY-DI", "SY-HL"], "YEM": ["YE-AD", ""]}
CORNERS = {"IRQ": (29, 37, 39, 48), "SYR": (32, 37, 35, 42), "YEM": (12, 19, 42, 53)}


@pytest.fixture
def unthrottled(settings):
    settings.API_THROTTLE_RATES = {"anon": "100000/minute", "user": "100000/minute"}


@pytest.fixture
def scattered(db):
    """Incidents over six places, most on a few days, so that many share a group; some
    over many days or across a new year; published, retracted and drafts."""
    chance = random.Random(15)
    busy_days = [chance.randrange(500) for _ in range(6)]
    places = []
    for _ in range(6):
        country = chance.choice(list(CORNERS))
        south, north, west, east = CORNERS[country]
        places.append(
            LocationFactory(
                country=country,
                admin1=chance.choice(AREAS[country]),
                latitude=round(chance.uniform(south, north), 3),
                longitude=round(chance.uniform(west, east), 3),
            )
        )
    for number in range(90):
        event_type, sub_event_type = chance.choice([TYPES[0]] * 6 + TYPES)
        offset = chance.choice([*busy_days * 4, chance.randrange(500)])
        start = dt.date(2021, 12, 1) + dt.timedelta(days=offset)
        IncidentFactory(
            location=chance.choice(places),
            date_start=start,
            date_end=start + dt.timedelta(days=chance.choice([0] * 12 + [1, 12, 60])),
            event_type=event_type,
            sub_event_type=sub_event_type,
            fatalities_best=chance.choice([None, 0, 3]),
            status=chance.choice([Status.PUBLISHED] * 4 + [Status.DRAFT, Status.RETRACTED]),
            title=f"{chance.choice(['Drone', 'Rocket', 'Raid'])} attack {number}",
        )
    assert PublicCount.objects.filter(count__gt=1).count() > 5
    return places


def day(offset: int) -> str:
    return (dt.date(2021, 12, 1) + dt.timedelta(days=offset)).isoformat()


# Filters the stored counts hold, and a few they do not (the answer then counts incidents).
HELD = {
    "country": st.sampled_from(["IRQ", "SYR", "YEM", "IRQ,YEM"]),
    "admin1": st.sampled_from(["IQ-BG", "SY-DI,SY-HL"]),
    "event_type": st.sampled_from(["Battles", "Explosions/Remote violence"]),
    "sub_event_type": st.sampled_from(["Air/drone strike", "Attack,Armed clash"]),
    "date_after": st.integers(0, 300).map(day),
    "date_before": st.integers(300, 560).map(day),
    "start_after": st.integers(0, 250).map(day),
    "status": st.sampled_from(["published", "published,retracted", "retracted"]),
    "bbox": st.sampled_from(["35,25,48,37", "40,10,55,20", "170,-20,-170,-10"]),
    "near": st.sampled_from(["33.3,44.4,300", "15,45,500"]),
}
NOT_HELD = {
    "q": st.sampled_from(["drone", "raid"]),
    "fatalities_min": st.sampled_from(["1", "3"]),
    "confidence": st.sampled_from(["likely"]),
}


def answers(client: APIClient, filters: dict, zoom: int, interval: str | None) -> dict:
    """Every aggregate endpoint's answer to the filters, status code first."""
    timeline = {**filters, **({"interval": interval} if interval else {})}
    got = {
        "count": client.get(f"{API}count/", filters),
        "facets": client.get(f"{API}facets/", filters),
        "timeline": client.get(f"{API}timeline/", timeline),
        "clusters": client.get(f"{API}clusters/", {**filters, "zoom": zoom}),
    }
    return {name: (response.status_code, response.json()) for name, response in got.items()}


def rounded(clusters: dict) -> dict:
    """The clusters, with their mean places to 4 decimals: a sum of products and a mean may
    differ in the last bits."""
    for feature in clusters.get("features", []):
        point = feature["geometry"]["coordinates"]
        feature["geometry"]["coordinates"] = [round(value, 4) for value in point]
    return clusters


def read_stored_counts(filters: dict) -> bool:
    with CaptureQueriesContext(connection) as queries:
        APIClient().get(f"{API}count/", filters)
    return any("incidents_publiccount" in query["sql"] for query in queries.captured_queries)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.fixed_dictionaries({}, optional={**HELD, **NOT_HELD}),
    st.integers(0, 6),
    st.sampled_from([None, "week", "month", "year"]),
)
def test_the_stored_counts_answer_as_counting_the_incidents_does(
    scattered, unthrottled, analyst, filters, zoom, interval
):
    staff = APIClient()
    staff.force_authenticate(analyst)

    public, counted = (
        answers(APIClient(), filters, zoom, interval),
        answers(staff, filters, zoom, interval),
    )

    rounded(public["clusters"][1]), rounded(counted["clusters"][1])
    assert public == counted, filters
    held = not set(filters) & set(NOT_HELD)
    if public["count"][0] == 200:
        assert read_stored_counts(filters) == held


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "date_after": st.integers(0, 500).map(day),
            "date_before": st.integers(200, 600).map(day),
            "country": st.sampled_from(["IRQ", "SYR"]),
            "q": st.sampled_from(["drone"]),
        },
    )
)
def test_a_years_count_is_the_count_of_the_list_its_link_opens(scattered, unthrottled, filters):
    client = APIClient()
    response = client.get(f"{API}facets/", {**filters, "facet": "year"})
    if response.status_code == 400:  # dates out of order
        return
    years = response.json()["facets"]["year"]
    for year in years:
        number = int(year["value"])
        after = max(f"{number}-01-01", filters.get("date_after", ""))
        before = min(f"{number}-12-31", filters.get("date_before", "9999-12-31"))
        link = {**filters, "date_after": after, "date_before": before}
        assert client.get(f"{API}count/", link).json()["count"] == year["count"], year


def test_an_incident_over_a_new_year_counts_in_both_years(db):
    IncidentFactory(date_start=dt.date(2021, 12, 30), date_end=dt.date(2022, 1, 2))
    IncidentFactory(date_start=dt.date(2022, 5, 1))
    IncidentFactory(date_start=dt.date(2021, 5, 1), status=Status.DRAFT)

    years = APIClient().get(f"{API}facets/", {"facet": "year"}).json()["facets"]["year"]
    narrowed = APIClient().get(f"{API}facets/", {"facet": "year", "date_after": "2022-01-01"})

    assert years == [
        {"value": "2022", "label": "2022", "count": 2},
        {"value": "2021", "label": "2021", "count": 1},
    ]
    assert narrowed.json()["facets"]["year"] == [{"value": "2022", "label": "2022", "count": 2}]


def incident_queries(url: str, params: dict) -> list[str]:
    """The SQL run on incident data; the rest are throttling and transactions."""
    with CaptureQueriesContext(connection) as queries:
        assert APIClient().get(url, params).status_code == 200
    return [query["sql"] for query in queries.captured_queries if '"incidents_' in query["sql"]]


@pytest.mark.parametrize(
    ("endpoint", "params", "queries"),
    [
        # The sum of the groups' counts.
        ("count/", {}, 1),
        # One per facet, and the total.
        ("facets/", {"facet": "event_type,country,year"}, 4),
        # The counts per period and event type.
        ("timeline/", {"interval": "month"}, 1),
        # The first and last day, to choose the interval; then the counts.
        ("timeline/", {}, 2),
        # The counts per cell.
        ("clusters/", {"zoom": "3"}, 1),
    ],
)
def test_the_stored_counts_answer_in_a_fixed_number_of_queries(
    scattered, unthrottled, endpoint, params, queries
):
    filters = {"country": "IRQ,SYR", "date_after": day(30), "event_type": "Battles"}
    run = incident_queries(API + endpoint, {**filters, **params})
    assert len(run) == queries
    assert all("incidents_publiccount" in sql and "incidents_incident" not in sql for sql in run)
