from __future__ import annotations

import csv
import io

import pytest
from rest_framework.test import APIClient

from tests.factories import IncidentFactory, LocationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"


def read_csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body)))


def read_json_stream(response):
    import json

    return json.loads(b"".join(response.streaming_content))


def test_csv_of_a_filtered_query_has_every_matching_row_beyond_one_page(seeded):
    response = APIClient().get(URL, {"country": "IRQ", "format": "csv", "page_size": 1})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert sorted(row["public_id"] for row in rows) == [
        "IRQ-2022-00001",
        "IRQ-2022-00002",
        "IRQ-2022-00003",
    ]


def test_csv_cells_are_readable_and_unknown_is_empty(seeded):
    rows = {row["public_id"]: row for row in read_csv(APIClient().get(URL, {"format": "csv"}))}

    green_village = rows["SYR-2022-00001"]
    assert green_village["location"] == "Green Village"
    assert green_village["munition_count"] == "8"
    assert green_village["fatalities_best"] == "0"
    assert "Unidentified Iran-backed militia (perpetrator, alleged)" in green_village["actors"]
    assert green_village["source_publishers"] == "Track Persia"
    assert green_village["quotes"].startswith("“Coalition forces were targeted this morning")
    assert rows["IRQ-2022-00003"]["fatalities_best"] == ""


def test_accept_header_selects_csv(seeded):
    response = APIClient().get(URL, HTTP_ACCEPT="text/csv")

    assert response["Content-Type"].startswith("text/csv")
    assert len(read_csv(response)) == 5


def test_geojson_is_a_feature_collection_of_points(seeded):
    response = APIClient().get(
        URL, {"format": "geojson", "sub_event_type": "Disrupted weapons use"}
    )

    assert response["Content-Type"] == "application/geo+json"
    collection = read_json_stream(response)
    assert collection["type"] == "FeatureCollection"
    features = {feature["id"]: feature for feature in collection["features"]}
    assert set(features) == {"IRQ-2022-00002", "IRQ-2022-00003"}
    baghdad = features["IRQ-2022-00003"]
    assert baghdad["geometry"] == {"type": "Point", "coordinates": [44.2344, 33.2625]}
    assert baghdad["properties"]["outcome"] == "intercepted"
    assert baghdad["properties"]["fatalities_best"] is None


def test_geojson_by_accept_header(seeded):
    response = APIClient().get(URL, HTTP_ACCEPT="application/geo+json")

    assert len(read_json_stream(response)["features"]) == 5


def test_bad_filter_in_csv_is_a_json_400(seeded):
    response = APIClient().get(URL, {"format": "csv", "date_after": "yesterday"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "date_after" in response.json()


def test_single_incident_as_csv(seeded):
    response = APIClient().get(f"{URL}IRQ-2022-00001/", {"format": "csv"})

    assert [row["public_id"] for row in read_csv(response)] == ["IRQ-2022-00001"]


def test_formula_in_a_title_is_neutralised_and_numbers_stay_numbers():
    place = LocationFactory(longitude=-3.7, latitude=40.4, country="ESP")
    IncidentFactory(title='=HYPERLINK("http://example.com")', location=place)

    [row] = read_csv(APIClient().get(URL, {"format": "csv"}))

    assert row["title"] == '\'=HYPERLINK("http://example.com")'
    assert row["longitude"] == "-3.7"


@pytest.mark.parametrize("url", ["/api/v1/incidents/", "/api/v1/incidents/SYR-2022-00001/"])
def test_the_browsable_api_draws_its_forms_for_an_editor(seeded, editor, url):
    client = APIClient()
    client.force_authenticate(editor)

    response = client.get(url, {"format": "api"})

    assert response.status_code == 200
    assert b"SYR-2022-00001" in response.content


def test_one_incident_downloads_in_the_layout_asked_for(seeded):
    url = "/api/v1/incidents/SYR-2022-00001/"

    acled = APIClient().get(url, {"format": "csv", "preset": "acled"})
    bogus = APIClient().get(url, {"format": "csv", "preset": "bogus"})

    assert [row["event_id_cnty"] for row in read_csv(acled)] == ["SYR-2022-00001"]
    assert bogus.status_code == 400 and "preset" in bogus.json()


def test_an_empty_format_parameter_is_no_format(seeded):
    response = APIClient().get("/api/v1/incidents/", {"format": ""})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


# `format=` wins over the Accept header: generated clients send `Accept: application/json`.


def test_format_geojson_wins_over_an_accept_header_for_json(seeded):
    response = APIClient().get(URL, {"format": "geojson"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert len(read_json_stream(response)["features"]) == 5


def test_format_csv_on_the_export_wins_over_an_accept_header_for_json(seeded):
    response = APIClient().get(f"{URL}export/", {"format": "csv"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert len(read_csv(response)) == 5


def test_format_json_wins_over_an_accept_header_for_csv(seeded):
    response = APIClient().get(URL, {"format": "json"}, HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert len(response.json()["results"]) == 5


def test_an_accept_header_alone_still_chooses(seeded):
    response = APIClient().get(f"{URL}export/", HTTP_ACCEPT="application/geo+json")

    assert response["Content-Type"] == "application/geo+json"


@pytest.mark.parametrize("url", ["/api/v1/incidents/", "/api/v1/incidents/SYR-2022-00001/"])
def test_a_bad_layout_is_refused_in_json_too(seeded, url):
    response = APIClient().get(url, {"preset": "bogus"})

    assert response.status_code == 400
    assert "preset" in response.json()


def test_the_export_refuses_a_format_it_does_not_write_in_json(seeded):
    response = APIClient().get("/api/v1/incidents/export/", {"format": "xml"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"format": ["Use one of: csv, geojson."]}


def test_only_the_list_and_one_incident_are_downloads(seeded, editor):
    client = APIClient()
    client.force_authenticate(editor)

    response = client.get("/api/v1/incidents/SYR-2022-00001/history/", {"format": "csv"})

    assert response.status_code == 400
    assert "format" in response.json()


def test_a_method_the_export_does_not_take_is_a_405(seeded):
    response = APIClient().generic("TRACE", "/api/v1/incidents/export/?format=csv")

    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
