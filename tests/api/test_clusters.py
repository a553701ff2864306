"""`/api/v1/incidents/clusters/`: the incidents of a selection counted per cell of a grid sized
by the map's zoom, from the same filters, visibility and defaults as the list and its count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from incidents.taxonomy import Status
from tests.factories import IncidentFactory, LocationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/clusters/"
COUNT = "/api/v1/incidents/count/"
WORLD = "-180,-90,180,90"


@pytest.fixture
def places():
    """Three published incidents in Baghdad (two at one place), one in Mosul, one in Damascus;
    a draft in Damascus that must never be counted."""
    baghdad = LocationFactory(latitude=33.3152, longitude=44.3661, country="IRQ")
    airport = LocationFactory(latitude=33.2625, longitude=44.2344, country="IRQ")
    mosul = LocationFactory(latitude=36.34, longitude=43.13, country="IRQ")
    damascus = LocationFactory(latitude=33.5138, longitude=36.2765, country="SYR")
    IncidentFactory.create_batch(2, location=baghdad)
    IncidentFactory(location=airport)
    alone = IncidentFactory(
        location=mosul, title="Drone strike near Mosul", date_start=dt.date(2022, 3, 4)
    )
    IncidentFactory(location=damascus, event_type="Battles", sub_event_type="Armed clash")
    IncidentFactory(location=damascus, status=Status.DRAFT, title="Unpublished")
    return {"alone": alone}


def counts(body: dict) -> list[int]:
    return sorted(feature["properties"]["count"] for feature in body["features"])


def test_each_cell_counts_its_published_incidents(places):
    response = APIClient().get(URL, {"zoom": "5"})

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert (body["count"], body["unplotted"], body["zoom"]) == (5, 0, 5)
    # Cells of 360/32/4 = 2.8125°: Baghdad and its airport share one, Mosul and Damascus
    # have one each.
    assert body["cell_size"] == 2.8125
    assert counts(body) == [1, 1, 3]
    assert "Unpublished" not in response.content.decode()


def test_a_cell_of_one_incident_names_it_and_links_to_its_page(places):
    alone = places["alone"]
    body = APIClient().get(URL, {"zoom": "5", "country": "IRQ"}).json()

    single = [f for f in body["features"] if f["properties"]["count"] == 1]
    assert len(single) == 1
    assert single[0]["geometry"] == {"type": "Point", "coordinates": [43.13, 36.34]}
    assert single[0]["properties"] == {
        "count": 1,
        "cell": single[0]["properties"]["cell"],
        "extent": [43.13, 36.34, 43.13, 36.34],
        "public_id": alone.public_id,
        "title": "Drone strike near Mosul",
        "date_start": "2022-03-04",
        "date_end": "2022-03-04",
        "url": f"http://testserver/incidents/{alone.public_id}/",
    }
    min_lon, min_lat, max_lon, max_lat = single[0]["properties"]["cell"]
    assert min_lon <= 43.13 < max_lon and min_lat <= 36.34 < max_lat
    assert max_lon - min_lon == pytest.approx(2.8125)


def test_a_cluster_sits_at_its_incidents_mean_place_and_carries_their_box(places):
    body = APIClient().get(URL, {"zoom": "5", "country": "IRQ"}).json()

    (baghdad,) = [f for f in body["features"] if f["properties"]["count"] == 3]
    longitude, latitude = baghdad["geometry"]["coordinates"]
    assert longitude == pytest.approx((2 * 44.3661 + 44.2344) / 3)
    assert latitude == pytest.approx((2 * 33.3152 + 33.2625) / 3)
    assert baghdad["properties"]["extent"] == [44.2344, 33.2625, 44.3661, 33.3152]
    assert "public_id" not in baghdad["properties"]


def test_a_finer_zoom_splits_a_cluster(places):
    client = APIClient()

    assert counts(client.get(URL, {"zoom": "5", "country": "IRQ"}).json()) == [1, 3]
    # Cells of 0.0879°: the airport is 0.14° from the city.
    iraq = {"zoom": "10", "country": "IRQ", "bbox": "42,32,46,37"}
    assert counts(client.get(URL, iraq).json()) == [1, 1, 2]


def test_the_bbox_filter_keeps_the_clusters_inside_it(places):
    body = APIClient().get(URL, {"zoom": "8", "bbox": "40,30,48,38"}).json()

    assert body["count"] == 4
    assert sum(counts(body)) == 4
    assert all(f["geometry"]["coordinates"][0] > 40 for f in body["features"])


def test_an_editor_counts_drafts_only_when_asking_for_them(places, editor):
    client = APIClient()
    client.force_authenticate(editor)

    assert client.get(URL, {"zoom": "3"}).json()["count"] == 5
    drafts = client.get(URL, {"zoom": "3", "status": "draft"}).json()
    assert drafts["count"] == 1
    assert drafts["features"][0]["properties"]["title"] == "Unpublished"


@pytest.mark.parametrize(
    ("params", "name", "message"),
    [
        ({}, "zoom", "Give the map's zoom"),
        ({"zoom": ""}, "zoom", "Give the map's zoom"),
        ({"zoom": "19"}, "zoom", "“19” is not a zoom"),
        ({"zoom": "-1"}, "zoom", "“-1” is not a zoom"),
        ({"zoom": "2.5"}, "zoom", "“2.5” is not a zoom"),
        ({"zoom": "١"}, "zoom", "“١” is not a zoom"),
        ({"zoom": "6"}, "zoom", "Zoom 6 divides this box into 33153 cells"),
        ({"zoom": "12", "bbox": "40,30,48,38"}, "zoom", "lower the zoom or narrow the bbox"),
        ({"zoom": "3", "bbox": "40,30,48"}, "bbox", "Expected 4 comma-separated numbers"),
        ({"zoom": "3", "bbox": "40,38,48,30"}, "bbox", "min_lat 38 is north of max_lat 30"),
        ({"zoom": "3", "bbox": "40,30,190,38"}, "bbox", "max_lon 190 is outside -180 to 180"),
        ({"zoom": "3", "zooom": "3"}, "zooom", "Unknown parameter — did you mean zoom?"),
        ({"zoom": "3", "country": "XYZ"}, "country", "is not an ISO 3166-1 alpha-3"),
    ],
)
def test_a_bad_zoom_bbox_or_filter_is_a_400_naming_it(db, params, name, message):
    response = APIClient().get(URL, params)

    assert response.status_code == 400
    assert message in response.json()[name][0]


def test_a_box_across_the_antimeridian_is_one_box(db):
    LocationFactory()  # unused place
    IncidentFactory(location=LocationFactory(latitude=-17.7, longitude=178.0, country="FJI"))
    IncidentFactory(location=LocationFactory(latitude=-14.3, longitude=-170.7, country="ASM"))

    body = APIClient().get(URL, {"zoom": "5", "bbox": "170,-20,-170,-10"}).json()

    assert (body["count"], counts(body)) == (2, [1, 1])


def test_the_clusters_run_one_query_whatever_the_number_of_incidents(places):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert APIClient().get(URL, {"zoom": "4", "country": "IRQ,SYR"}).status_code == 200
        return len([q for q in captured.captured_queries if '"incidents_' in q["sql"]])

    before = queries()
    for latitude in range(10):
        IncidentFactory(location=LocationFactory(latitude=20 + latitude, country="SYR"))

    # One GROUP BY on the cells: the cells of one incident carry it, the total is their sum.
    assert queries() == before == 1


def test_the_schema_documents_the_clusters(db):
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/incidents/clusters/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert parameters["zoom"]["required"] is True
    assert parameters["zoom"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 18}
    assert {"bbox", "country", "q", "date_after"} <= set(parameters)  # the list's filters
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["required"] == ["type", "features", "count", "unplotted", "zoom", "cell_size"]


@pytest.fixture
def unthrottled(settings):
    settings.API_THROTTLE_RATES = {"anon": "100000/minute", "user": "100000/minute"}


@pytest.fixture
def generated(db):
    """Incidents at random places and dates, as the property test below draws filters on."""
    import random

    chance = random.Random(16)
    countries = {"IRQ": (29, 37, 39, 48), "SYR": (32, 37, 35, 42), "YEM": (12, 19, 42, 53)}
    for number in range(60):
        country = chance.choice(list(countries))
        south, north, west, east = countries[country]
        place = LocationFactory(
            country=country,
            latitude=round(chance.uniform(south, north), 4),
            longitude=round(chance.uniform(west, east), 4),
        )
        IncidentFactory(
            location=place,
            date_start=dt.date(2020, 1, 1) + dt.timedelta(days=chance.randrange(1500)),
            fatalities_best=chance.choice([None, 0, 1, 5, 30]),
            confidence=chance.choice(["likely", "confirmed"]),
            status=chance.choice([Status.PUBLISHED] * 4 + [Status.DRAFT, Status.RETRACTED]),
            title=f"{chance.choice(['Drone', 'Rocket', 'Shelling'])} attack {number}",
        )


SOME_FILTERS = {
    "country": st.sampled_from(["IRQ", "SYR", "YEM", "IRQ,SYR"]),
    "date_after": st.sampled_from(["2021-01-01", "2022-06-01"]),
    "date_before": st.sampled_from(["2022-12-31", "2024-01-01"]),  # after every date_after
    "confidence": st.sampled_from(["likely", "confirmed"]),
    "fatalities_min": st.sampled_from(["0", "5"]),
    "status": st.sampled_from(["published", "published,retracted"]),
    "q": st.sampled_from(["drone", "attack"]),
}
# Boxes inside the generated places' range, some across country borders.
BOXES = st.builds(
    lambda west, south, width, height: f"{west},{south},{west + width},{south + height}",
    st.integers(35, 50),
    st.integers(10, 35),
    st.integers(1, 8),
    st.integers(1, 8),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.fixed_dictionaries({}, optional=SOME_FILTERS),
    st.integers(0, 5),
    BOXES,
    st.integers(5, 9),
)
def test_clusters_add_up_to_the_count_for_any_filters(
    generated, unthrottled, filters, zoom, box, box_zoom
):
    client = APIClient()

    def clusters_and_count(params: dict) -> tuple[int, int]:
        body = client.get(URL, params).json()
        count = client.get(COUNT, {k: v for k, v in params.items() if k != "zoom"}).json()
        assert body["count"] == count["count"], params
        return sum(counts(body)) + body["unplotted"], count["count"]

    on_map, counted = clusters_and_count({**filters, "zoom": zoom, "bbox": WORLD})
    assert on_map == counted
    on_map, counted = clusters_and_count({**filters, "zoom": box_zoom, "bbox": box})
    assert on_map == counted
