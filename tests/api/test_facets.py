"""`/api/v1/incidents/facets/`: how many incidents of a selection have each value of a facet,
counted from the same filters and visibility as the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from incidents.taxonomy import Status
from tests.factories import (
    ActorFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/facets/"


@pytest.fixture
def incidents():
    """Three published incidents in Iraq and Syria, with one actor taking part twice in one of
    them, and a draft that must never be counted."""
    baghdad = LocationFactory(country="IRQ", admin1="IQ-BG")
    deir = LocationFactory(country="SYR", admin1="SY-DY")
    militia = ActorFactory(name="Militia A")
    first = IncidentFactory(location=baghdad, date_start=dt.date(2021, 5, 1))
    second = IncidentFactory(
        location=baghdad, date_start=dt.date(2022, 5, 1), confidence="confirmed"
    )
    IncidentFactory(
        location=deir,
        date_start=dt.date(2022, 7, 1),
        event_type="Battles",
        sub_event_type="Armed clash",
    )
    IncidentActorFactory(incident=first, actor=militia, role="perpetrator")
    IncidentActorFactory(incident=first, actor=militia, role="target")
    IncidentActorFactory(incident=second, actor=militia)
    first.tags.create(name="night")
    draft = IncidentFactory(location=deir, status=Status.DRAFT, date_start=dt.date(2019, 1, 1))
    IncidentActorFactory(incident=draft, actor=ActorFactory(name="Draft-only group"))
    draft.tags.create(name="secret")
    return {"militia": militia}


def counts(response) -> dict[str, dict[str, int]]:
    return {
        name: {value["value"]: value["count"] for value in values}
        for name, values in response.json()["facets"].items()
    }


def test_every_facet_counts_each_published_incident_once(incidents):
    response = APIClient().get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert counts(response) == {
        "event_type": {"Explosions/Remote violence": 2, "Battles": 1},
        "sub_event_type": {"Shelling/artillery/missile attack": 2, "Armed clash": 1},
        "country": {"IRQ": 2, "SYR": 1},
        "admin1": {"IQ-BG": 2, "SY-DY": 1},
        "actor": {str(incidents["militia"].pk): 2},
        "year": {"2022": 2, "2021": 1},
        "confidence": {"likely": 2, "confirmed": 1},
        "tag": {"night": 1},
    }


def test_facets_count_within_the_filters(incidents):
    response = APIClient().get(URL, {"country": "IRQ", "facet": "year,country"})

    assert response.json() == {
        "count": 2,
        "facets": {
            "year": [
                {"value": "2021", "label": "2021", "count": 1},
                {"value": "2022", "label": "2022", "count": 1},
            ],
            "country": [{"value": "IRQ", "label": "Iraq", "count": 2}],
        },
    }


def test_each_value_counts_what_its_filter_selects(incidents):
    client = APIClient()
    body = client.get(URL).json()

    for name, values in body["facets"].items():
        for value in values:
            if name == "year":
                narrowed = {
                    "date_after": f"{value['value']}-01-01",
                    "date_before": f"{value['value']}-12-31",
                }
            else:
                narrowed = {name: value["value"]}
            assert client.get("/api/v1/incidents/count/", narrowed).json() == {
                "count": value["count"]
            }, (name, value)


@pytest.fixture
def unthrottled(settings):
    settings.API_THROTTLE_RATES = {"anon": "100000/minute", "user": "100000/minute"}


# Filters to combine at random: each facet's count must then equal the count of the selection
# narrowed by that value's filter.
SOME_FILTERS = {
    "country": st.sampled_from(["IRQ", "SYR", "IRQ,SYR"]),
    "event_type": st.sampled_from(["Battles", "Explosions/Remote violence"]),
    "date_after": st.sampled_from(["2021-01-01", "2022-01-01", "2022-06-01"]),
    "confidence": st.sampled_from(["likely", "confirmed"]),
    "fatalities_min": st.sampled_from(["0", "1"]),
    "q": st.sampled_from(["rocket", "attack"]),
}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.fixed_dictionaries({}, optional=SOME_FILTERS))
def test_facets_agree_with_the_count_for_any_filters(seeded, incidents, unthrottled, filters):
    client = APIClient()
    body = client.get(URL, filters).json()

    assert body["count"] == client.get("/api/v1/incidents/count/", filters).json()["count"]
    for name, values in body["facets"].items():
        for value in values:
            if name == "year":
                continue  # counted by first day, selected by any day: checked apart
            narrowed = {**filters, name: value["value"]}
            if name in filters:
                continue  # a second value of the same filter widens rather than narrows
            count = client.get("/api/v1/incidents/count/", narrowed).json()["count"]
            assert count == value["count"], (filters, name, value)


def test_drafts_are_never_counted_even_for_an_editor(incidents, editor):
    client = APIClient()
    client.force_authenticate(editor)

    body = client.get(URL).json()

    assert body["count"] == 3
    assert "Draft-only group" not in str(body)
    assert "secret" not in str(body)
    assert "2019" not in str(body)


def test_an_editor_counts_drafts_when_asking_for_them(incidents, editor):
    client = APIClient()
    client.force_authenticate(editor)

    body = client.get(URL, {"status": "draft", "facet": "tag"}).json()

    assert body == {
        "count": 1,
        "facets": {"tag": [{"value": "secret", "label": "secret", "count": 1}]},
    }


@pytest.mark.parametrize(
    ("params", "name", "message"),
    [
        ({"facet": "countri"}, "facet", "“countri” is not a facet — did you mean country?"),
        ({"facet": "country,colour"}, "facet", "“colour” is not a facet"),
        ({"facets": "country"}, "facets", "Unknown parameter — did you mean facet?"),
        ({"country": "XYZ"}, "country", "“XYZ” is not an ISO 3166-1 alpha-3 country code"),
    ],
)
def test_a_bad_facet_or_filter_is_a_400_naming_it(db, params, name, message):
    response = APIClient().get(URL, params)

    assert response.status_code == 400
    assert message in response.json()[name][0]


def test_the_facets_run_one_query_each_whatever_the_number_of_incidents(incidents):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert APIClient().get(URL, {"country": "IRQ,SYR"}).status_code == 200
        return len([q for q in captured.captured_queries if '"incidents_' in q["sql"]])

    before = queries()
    for _ in range(10):
        IncidentActorFactory(incident=IncidentFactory(location=LocationFactory(country="SYR")))

    # The count, then one GROUP BY per facet (8).
    assert queries() == before == 9


def test_the_schema_documents_the_facets(db):
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/incidents/facets/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    # An empty value is allowed and means none, as for every query parameter.
    assert set(parameters["facet"]["schema"]["items"]["enum"]) - {""} == {
        "event_type",
        "sub_event_type",
        "country",
        "admin1",
        "actor",
        "year",
        "confidence",
        "tag",
    }
    assert {"country", "q", "date_after", "actor"} <= set(parameters)  # the list's filters
