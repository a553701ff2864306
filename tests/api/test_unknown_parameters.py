"""A list, an export or a count refuses a query parameter it does not read, with a 400 naming it
and the known name it most likely misspells; every parameter it documents stays allowed."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from incidents.filters import IncidentFilterSet

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/incidents/",
    "/api/v1/incidents/export/",
    "/api/v1/incidents/count/",
    "/api/v1/actors/",
    "/api/v1/sources/",
    "/api/v1/locations/",
]


@pytest.mark.parametrize("url", LISTS[:3])
def test_a_misspelt_incident_filter_is_a_400_with_the_likely_name(seeded, url):
    response = APIClient().get(url, {"contry": "XYZ"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"contry": ["Unknown parameter — did you mean country?"]}


@pytest.mark.parametrize(
    ("url", "misspelt", "meant"), [(url, "breif", "brief") for url in LISTS[3:]]
)
def test_a_misspelt_parameter_of_the_other_lists_is_a_400_too(db, url, misspelt, meant):
    response = APIClient().get(url, {misspelt: "1", "q": "x"})

    assert response.status_code == 400
    assert response.json() == {misspelt: [f"Unknown parameter — did you mean {meant}?"]}


def test_every_unknown_parameter_is_named_and_one_unlike_any_lists_the_known_ones(db):
    response = APIClient().get("/api/v1/actors/", {"zzzzzz": "1", "pagesize": "2"})

    body = response.json()
    assert set(body) == {"zzzzzz", "pagesize"}
    assert body["pagesize"] == ["Unknown parameter — did you mean page_size?"]
    assert body["zzzzzz"] == [
        "Unknown parameter. Known: brief, cursor, format, page_size, q, with_count."
    ]


def test_every_filter_of_the_filterset_is_read_by_the_list_its_export_and_its_count(seeded):
    blank = dict.fromkeys(IncidentFilterSet.base_filters, "")

    for url in LISTS[:3]:
        assert APIClient().get(url, blank).status_code == 200, url


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/incidents/", {"format": "json", "page_size": "2", "ordering": "date"}),
        ("/api/v1/incidents/", {"with_count": "1", "format": "csv", "preset": "acled"}),
        ("/api/v1/incidents/", {"format": "geojson", "include_all": "1"}),
        ("/api/v1/incidents/export/", {"preset": "ucdp", "include_all": "1", "format": "csv"}),
        ("/api/v1/incidents/count/", {"ordering": "-date", "format": "json"}),
        ("/api/v1/actors/", {"brief": "1", "q": "militia", "page_size": "5", "with_count": "1"}),
        ("/api/v1/locations/", {"brief": "1", "format": "json"}),
    ],
)
def test_the_documented_framework_parameters_stay_allowed(seeded, url, params):
    assert APIClient().get(url, params).status_code == 200


def test_a_page_s_cursor_is_read(seeded):
    first = APIClient().get("/api/v1/incidents/", {"page_size": 2}).json()

    assert APIClient().get(first["next"]).status_code == 200


def test_one_record_s_address_is_left_alone(seeded):
    response = APIClient().get("/api/v1/incidents/SYR-2022-00001/", {"utm_source": "mail"})

    assert response.status_code == 200


def test_the_export_command_suggests_the_filter_it_was_meant_to_be(tmp_path):
    with pytest.raises(CommandError, match=r"contry: Unknown parameter — did you mean country\?"):
        call_command("export_incidents", "--filter", "contry=IRQ", "-o", str(tmp_path / "x"))


def test_the_admin_list_suggests_the_filter_it_was_meant_to_be(editor_client):
    response = editor_client.get(
        reverse("admin:incidents_incident_changelist"), {"contry": "IRQ"}, follow=True
    )

    assert "There is no filter “contry”; did you mean “country”?" in response.content.decode()
