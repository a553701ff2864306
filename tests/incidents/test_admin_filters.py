"""The admin's incident list filters and searches as the API does, with the API's words."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from incidents.taxonomy import Status
from tests.factories import IncidentFactory

LIST_URL = reverse("admin:incidents_incident_changelist")
EXPORT_URL = reverse("admin:incidents_incident_export")
API_URL = "/api/v1/incidents/"
API_EXPORT_URL = "/api/v1/incidents/export/"


def listed(client, params) -> set[str]:
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return {incident.public_id for incident in response.context["cl"].result_list}


def api_listed(params) -> set[str]:
    response = APIClient().get(API_URL, params)
    assert response.status_code == 200, response.content
    return {row["public_id"] for row in response.json()["results"]}


def sidebar(response) -> dict[str, dict[str, str]]:
    """Each sidebar filter's title → its links' labels → their query strings."""
    return {
        spec.title: {
            choice["display"]: choice["query_string"]
            for choice in spec.choices(response.context["cl"])
        }
        for spec in response.context["cl"].filter_specs
    }


def download_name(response) -> str:
    """The file's name without its time stamp."""
    name = re.search(r'filename="([^"]+)"', response["Content-Disposition"])[1]
    return re.sub(r"-\d{8}T\d{4}Z", "", name)


def exported_ids(response) -> set[str]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return {row["public_id"] for row in csv.DictReader(io.StringIO(body))}


def test_the_country_link_lists_and_exports_what_the_api_does_under_the_same_name(
    editor_client, seeded
):
    link = sidebar(editor_client.get(LIST_URL))["country"]["Iraq (IRQ)"]
    assert link == "?country=IRQ"

    page = editor_client.get(LIST_URL + link)
    admin_export = editor_client.get(EXPORT_URL + link + "&preset=native")
    api_export = APIClient().get(API_EXPORT_URL, {"country": "IRQ", "preset": "native"})

    shown = {incident.public_id for incident in page.context["cl"].result_list}
    assert (
        shown
        == api_listed({"country": "IRQ"})
        == {
            "IRQ-2022-00001",
            "IRQ-2022-00002",
            "IRQ-2022-00003",
        }
    )
    assert exported_ids(admin_export) == exported_ids(api_export) == shown
    assert download_name(admin_export) == download_name(api_export)
    assert download_name(api_export) == "tessera-incidents-native-country-IRQ.csv"


def test_the_export_button_carries_the_list_s_filters_to_the_same_file_as_the_api(
    editor_client, seeded
):
    params = {"country": "IRQ,SYR", "event_type": "Strategic developments", "o": "2"}
    page = editor_client.get(LIST_URL, params).content.decode()
    assert (
        f"{EXPORT_URL}?country=IRQ%2CSYR&amp;event_type=Strategic+developments&amp;o=2"
        "&amp;preset=native" in page
    )

    admin_export = editor_client.get(EXPORT_URL, {**params, "preset": "native"})
    # `o` is the admin's sort by column; the API refuses a parameter it does not read.
    api_params = {name: value for name, value in params.items() if name != "o"}
    api_export = APIClient().get(API_EXPORT_URL, {**api_params, "preset": "native"})

    assert exported_ids(admin_export) == exported_ids(api_export)
    assert download_name(admin_export) == download_name(api_export)


def test_the_sidebar_links_use_the_filterset_s_parameters(editor_client, seeded):
    links = sidebar(editor_client.get(LIST_URL))

    assert links["event type"]["Strategic developments"] == "?event_type=Strategic+developments"
    assert links["status"]["draft"] == "?status=draft"
    assert links["confidence"]["likely"] == "?confidence=likely"
    # The years in which the demo incidents happened, not days counted back from today.
    assert links["year"] == {
        "Any year": "?",
        "2022": "?date_after=2022-01-01&date_before=2022-12-31",
    }
    for filter_links in links.values():
        for query in filter_links.values():
            assert "__" not in query  # no Django lookups such as location__country


def test_the_date_bar_drills_down_in_the_filterset_s_dates(editor_client, seeded):
    def bar(params) -> dict[str, str]:
        context = editor_client.get(LIST_URL, params).context["cl"].date_bar
        return {str(choice["title"]): choice.get("link") for choice in context["choices"]}

    assert bar({}) == {"2022": "?date_after=2022-01-01&date_before=2022-12-31"}
    year = {"date_after": "2022-01-01", "date_before": "2022-12-31"}
    assert bar(year) == {"January 2022": "?date_after=2022-01-01&date_before=2022-01-31"}
    month = {"date_after": "2022-01-01", "date_before": "2022-01-31"}
    assert bar(month) == {
        "January 3": "?date_after=2022-01-03&date_before=2022-01-03",
        "January 4": "?date_after=2022-01-04&date_before=2022-01-04",
        "January 5": "?date_after=2022-01-05&date_before=2022-01-05",
    }
    assert listed(editor_client, {"date_after": "2022-01-04", "date_before": "2022-01-04"}) == {
        "IRQ-2022-00002"
    }


def test_the_list_takes_any_api_filter(editor_client, seeded):
    params = {"weapon": "armed drone", "date_before": "2022-01-03"}

    assert listed(editor_client, params) == api_listed(params) == {"IRQ-2022-00003"}


def test_editors_filter_by_every_status_in_the_admin(editor_client, seeded):
    draft = IncidentFactory(status=Status.DRAFT)

    assert listed(editor_client, {"status": "draft"}) == {draft.public_id}


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"country": "XXX"}, "country"),
        ({"date_after": "soon"}, "date_after"),
        ({"status": "lost"}, "status"),
        ({"location__country": "IRQ"}, "location__country"),
        ({"fatalities_min": "5", "fatalities_max": "1"}, "fatalities_max"),
        ({"bbox": "1,2,3"}, "bbox"),
    ],
)
def test_a_bad_filter_goes_back_to_the_list_saying_why(editor_client, seeded, params, named):
    response = editor_client.get(LIST_URL, params)

    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?e=1"
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(named in message for message in said), said
    assert editor_client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("words", ["airbase", "Iran-backed", "shot down", "SDF", "Deir ez-Zor"])
def test_the_search_box_is_the_api_s_full_text_q(editor_client, seeded, words):
    found = listed(editor_client, {"q": words})

    assert found
    assert found == api_listed({"q": words})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="web search is PostgreSQL's")
def test_the_search_box_takes_web_search_syntax(editor_client, seeded):
    assert listed(editor_client, {"q": "airbase -drones"}) == {"IRQ-2022-00001"}


def test_the_search_box_explains_its_syntax(editor_client, seeded):
    page = editor_client.get(LIST_URL).content.decode()

    assert "web-search syntax" in page


def test_incident_autocomplete_searches_as_the_list_does(analyst_client, seeded):
    response = analyst_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "incidents",
            "model_name": "incidentrelation",
            "field_name": "to_incident",
            "term": "airbase",
        },
    )

    assert response.status_code == 200
    found = {result["text"].split(":")[0] for result in response.json()["results"]}
    assert found == listed(analyst_client, {"q": "airbase"})


def test_counts_come_from_the_filterset_and_keep_the_other_filters(editor_client, seeded):
    response = editor_client.get(LIST_URL, {"_facets": "1", "event_type": "Strategic developments"})
    links = sidebar(response)

    assert "Iraq (IRQ) (2)" in links["country"]
    assert "Syrian Arab Republic (SYR) (0)" in links["country"]


def test_clear_all_filters_keeps_the_search(editor_client, seeded):
    response = editor_client.get(LIST_URL, {"country": "IRQ", "q": "drones", "status": "published"})

    assert response.context["cl"].has_active_filters
    assert response.context["cl"].clear_all_filters_qs == "?q=drones"


def test_the_list_sorts_by_the_api_s_ordering_unless_a_column_is_chosen(editor_client, seeded):
    IncidentFactory(fatalities_best=40, fatalities_low=40, fatalities_high=40)

    response = editor_client.get(LIST_URL, {"ordering": "-fatalities"})
    first = response.context["cl"].result_list[0]

    assert first.fatalities_best == 40
