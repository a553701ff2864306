"""`/api/v1/incidents/timeline/`: how many incidents of a selection began in each period, by
event type, counted from the same filters and visibility as the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from incidents.models import Incident
from incidents.taxonomy import Status
from tests.api import test_facets
from tests.factories import IncidentFactory, LocationFactory

pytestmark = pytest.mark.django_db

unthrottled = test_facets.unthrottled

URL = "/api/v1/incidents/timeline/"
COUNT = "/api/v1/incidents/count/"
BATTLE = {"event_type": "Battles", "sub_event_type": "Armed clash"}
SHELLING = "Explosions/Remote violence"


@pytest.fixture
def incidents(db):
    """In Iraq: two shellings in January 2022, one battle from 30 January to 2 February (counted
    in January, its first day), none in February or March, a battle in April. In Syria: a
    shelling in 2023. Drafts and a record in review, never counted."""
    iraq = LocationFactory(country="IRQ")
    syria = LocationFactory(country="SYR")
    IncidentFactory(location=iraq, date_start=dt.date(2022, 1, 5))
    IncidentFactory(location=iraq, date_start=dt.date(2022, 1, 20))
    IncidentFactory(
        location=iraq, date_start=dt.date(2022, 1, 30), date_end=dt.date(2022, 2, 2), **BATTLE
    )
    IncidentFactory(location=iraq, date_start=dt.date(2022, 4, 10), **BATTLE)
    IncidentFactory(location=syria, date_start=dt.date(2023, 6, 1))
    IncidentFactory(location=iraq, date_start=dt.date(2022, 3, 1), status=Status.DRAFT)
    IncidentFactory(location=iraq, date_start=dt.date(2019, 3, 1), status=Status.IN_REVIEW)


def period(start, end, total, shelling, battles, filters=None):
    return {
        "start": start,
        "end": end,
        "total": total,
        "counts": {"Battles": battles, SHELLING: shelling},
        "filters": filters or {"start_after": start, "date_before": end},
    }


def test_counts_each_month_by_event_type_with_the_empty_months(incidents):
    response = APIClient().get(URL, {"country": "IRQ", "interval": "month"})

    assert response.status_code == 200
    assert response.json() == {
        "interval": "month",
        "interval_chosen": False,
        "total": 4,
        "event_types": ["Battles", SHELLING],
        "periods": [
            period("2022-01-01", "2022-01-31", 3, 2, 1),
            period("2022-02-01", "2022-02-28", 0, 0, 0),
            period("2022-03-01", "2022-03-31", 0, 0, 0),
            period("2022-04-01", "2022-04-30", 1, 0, 1),
        ],
    }


def test_weeks_run_monday_to_sunday_and_years_are_calendar_years(incidents):
    client = APIClient()
    weeks = client.get(URL, {"country": "IRQ", "interval": "week"}).json()["periods"]
    years = client.get(URL, {"interval": "year"}).json()["periods"]

    # 5 January 2022 was a Wednesday.
    assert weeks[0]["start"] == "2022-01-03" and weeks[0]["end"] == "2022-01-09"
    assert [(each["start"], each["total"]) for each in weeks if each["total"]] == [
        ("2022-01-03", 1),
        ("2022-01-17", 1),
        ("2022-01-24", 1),
        ("2022-04-04", 1),
    ]
    assert [(each["start"], each["end"], each["total"]) for each in years] == [
        ("2022-01-01", "2022-12-31", 4),
        ("2023-01-01", "2023-12-31", 1),
    ]


@pytest.mark.parametrize(
    ("first", "last", "interval", "bars"),
    [
        (dt.date(2022, 1, 5), dt.date(2022, 5, 4), "day", 120),
        (dt.date(2022, 1, 5), dt.date(2022, 5, 5), "week", 18),
        (dt.date(2020, 1, 1), dt.date(2024, 1, 1), "month", 49),
        (dt.date(1990, 5, 1), dt.date(2024, 5, 1), "year", 35),
    ],
)
def test_without_an_interval_the_span_chooses_the_shortest_within_120_bars(
    db, first, last, interval, bars
):
    IncidentFactory(date_start=first)
    IncidentFactory(date_start=last)

    body = APIClient().get(URL).json()

    assert (body["interval"], body["interval_chosen"], len(body["periods"])) == (
        interval,
        True,
        bars,
    )


def test_a_period_s_filters_list_the_incidents_it_counts_not_those_running_into_it(incidents):
    client = APIClient()
    february = client.get(URL, {"interval": "month"}).json()["periods"][1]

    # The battle of 30 January–2 February is in February too, but began in January.
    assert client.get(COUNT, {"date_after": "2022-02-01", "date_before": "2022-02-28"}).json() == {
        "count": 1
    }
    assert client.get(COUNT, february["filters"]).json() == {"count": 0}
    assert february["total"] == 0


def test_a_period_s_filters_stay_within_the_selection_s_dates(incidents):
    query = {"start_after": "2022-01-10", "date_before": "2022-04-20", "interval": "month"}
    periods = APIClient().get(URL, query).json()["periods"]

    assert [(each["total"], each["filters"]) for each in periods] == [
        (2, {"start_after": "2022-01-10", "date_before": "2022-01-31"}),
        (0, {"start_after": "2022-02-01", "date_before": "2022-02-28"}),
        (0, {"start_after": "2022-03-01", "date_before": "2022-03-31"}),
        (1, {"start_after": "2022-04-01", "date_before": "2022-04-20"}),
    ]


def test_a_period_before_the_selection_s_date_after_has_no_filters(incidents):
    # The battle began on 30 January and ran into February, which date_after asks for.
    body = APIClient().get(URL, {"date_after": "2022-02-01", "interval": "month"}).json()

    first = body["periods"][0]
    assert (first["start"], first["total"], first["filters"]) == (
        "2022-01-01",
        1,
        None,
    )


def test_an_empty_selection_has_no_periods(incidents):
    body = APIClient().get(URL, {"country": "AFG"}).json()

    assert body == {
        "interval": "year",
        "interval_chosen": True,
        "total": 0,
        "event_types": [],
        "periods": [],
    }


def test_drafts_are_counted_only_when_an_editor_asks_for_them(incidents, editor):
    anonymous, client = APIClient(), APIClient()
    client.force_authenticate(editor)

    assert anonymous.get(URL, {"status": "draft"}).status_code == 400
    assert client.get(URL, {"interval": "year"}).json()["total"] == 5
    with_drafts = client.get(URL, {"interval": "year", "status": "draft,in review"}).json()
    assert [(each["start"], each["total"]) for each in with_drafts["periods"] if each["total"]] == [
        ("2019-01-01", 1),
        ("2022-01-01", 1),
    ]


def test_retracted_incidents_are_counted_when_asked_for_as_the_list_does(incidents):
    IncidentFactory(date_start=dt.date(2022, 1, 6), status=Status.RETRACTED)
    client = APIClient()

    assert client.get(URL).json()["total"] == 5
    assert client.get(URL, {"status": "published,retracted"}).json()["total"] == 6


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        ({"interval": "hour"}, "interval", "“hour” is not an interval. Use one of: day, week"),
        ({"interval": ""}, "interval", "“” is not an interval"),
        ({"contry": "IRQ"}, "contry", "country"),
        ({"date_before": "2022-13-01"}, "date_before", "YYYY-MM-DD"),
        ({"start_after": "2022-05-01", "date_before": "2022-04-01"}, "date_before", "earlier"),
    ],
)
def test_a_bad_parameter_is_refused_by_name(incidents, query, name, message):
    response = APIClient().get(URL, query)

    assert response.status_code == 400
    assert message in " ".join(response.json()[name])


def test_too_many_days_asked_for_is_refused_by_name(db):
    IncidentFactory(date_start=dt.date(2010, 1, 1))
    IncidentFactory(date_start=dt.date(2024, 1, 1))
    client = APIClient()

    response = client.get(URL, {"interval": "day"})

    assert response.status_code == 400
    assert "5114 periods" in response.json()["interval"][0]
    assert client.get(URL, {"interval": "week"}).status_code == 200


def queries_on_incidents(params: dict) -> list[str]:
    """The SQL run on incident data; the rest are throttling and transactions."""
    with CaptureQueriesContext(connection) as queries:
        assert APIClient().get(URL, params).status_code == 200
    return [query["sql"] for query in queries.captured_queries if '"incidents_' in query["sql"]]


def test_a_timeline_takes_two_queries_or_one_with_its_interval(incidents):
    # The first and last day, to choose the interval; the counts per period and event type,
    # summed from the stored counts of public incidents.
    chosen = queries_on_incidents({"country": "IRQ"})
    assert len(chosen) == 2
    assert "MIN(" in chosen[0] and "SUM(" in chosen[1]
    assert len(queries_on_incidents({"country": "IRQ", "interval": "month"})) == 1


DAY_ZERO = dt.date(2021, 12, 20)


def day(offset: int) -> str:
    return (DAY_ZERO + dt.timedelta(days=offset)).isoformat()


# An incident: days after DAY_ZERO, how many days it lasts, its kind, country and status.
INCIDENTS = st.lists(
    st.tuples(
        st.integers(0, 400),
        st.sampled_from([0, 0, 1, 6, 40]),
        st.booleans(),
        st.sampled_from(["IRQ", "SYR"]),
        st.sampled_from([Status.PUBLISHED, Status.PUBLISHED, Status.RETRACTED, Status.DRAFT]),
    ),
    max_size=10,
)
FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "country": st.sampled_from(["IRQ", "SYR"]),
        "event_type": st.sampled_from(["Battles", SHELLING]),
        "date_after": st.integers(0, 400).map(day),
        "date_before": st.integers(200, 450).map(day),
        "start_after": st.integers(0, 200).map(day),
        "status": st.sampled_from(["published,retracted"]),
        "interval": st.sampled_from(["day", "week", "month", "year"]),
    },
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(INCIDENTS, FILTERS)
def test_the_timeline_agrees_with_the_count_for_any_filters(db, unthrottled, specs, filters):
    iraq, syria = LocationFactory(country="IRQ"), LocationFactory(country="SYR")
    for offset, days, battle, country, status in specs:
        IncidentFactory(
            location=iraq if country == "IRQ" else syria,
            date_start=DAY_ZERO + dt.timedelta(days=offset),
            date_end=DAY_ZERO + dt.timedelta(days=offset + days),
            status=status,
            **(BATTLE if battle else {}),
        )
    try:
        client = APIClient()
        response = client.get(URL, filters)
        selection = {name: value for name, value in filters.items() if name != "interval"}
        count = client.get(COUNT, selection)
        if count.status_code == 400:  # dates out of order: refused alike
            assert response.status_code == 400
            return
        body = response.json()
        assert body["total"] == count.json()["count"]
        for place, each in enumerate(body["periods"]):
            assert sum(each["counts"].values()) == each["total"]
            if not each["total"] and place % 10:
                continue  # hundreds of empty days: a few of them are asked
            if each["filters"] is not None:
                narrowed = {**selection, **each["filters"]}
                assert client.get(COUNT, narrowed).json()["count"] == each["total"], each
            else:
                assert each["end"] < filters["date_after"]
    finally:
        Incident.objects.all().delete()
