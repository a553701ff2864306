"""A NUL byte in a request is refused with 400, never sent to the database.

PostgreSQL cannot hold NUL in text, so its driver raises on any query that carries one: each
of these requests was a 500 there.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

API_URL = "/api/v1/incidents/"
AUTOCOMPLETE = {"app_label": "incidents", "model_name": "incidentactor", "field_name": "actor"}


@pytest.fixture
def incident():
    return IncidentFactory(status="published")


@pytest.mark.parametrize(
    "path",
    ["/incidents/{id}\x00/", "/incidents/{id}\x00/cite.bib", "/incidents/{id}\x00/cite.json"],
)
def test_a_nul_in_a_page_path_is_a_bad_request(client, incident, path):
    response = client.get(path.format(id=incident.public_id))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Null characters (%00) are not allowed in the path." in response.content.decode()


def test_a_nul_in_a_page_query_string_is_a_bad_request(client, incident):
    response = client.get(f"/incidents/{incident.public_id}/?x=%00")

    assert response.status_code == 400
    assert "in the “x” parameter" in response.content.decode()


@pytest.mark.parametrize("url", [f"{API_URL}ABC\x00/", f"{API_URL}?a%00=1"])
def test_a_nul_in_an_api_url_is_a_bad_request_in_json(url):
    response = APIClient().get(url)

    assert response.status_code == 400
    assert "Null characters (%00) are not allowed" in response.json()["detail"]


@pytest.mark.parametrize("parameter", ["tag", "q", "cursor", "page_size", "preset"])
def test_a_nul_in_an_api_parameter_is_a_bad_request_naming_it(parameter):
    response = APIClient().get(API_URL, {parameter: "a\x00b"})

    assert response.status_code == 400
    assert response.json() == {parameter: ["Null characters are not allowed."]}


@pytest.mark.parametrize(
    "params",
    [{"tag": "\x00"}, {"country": "IRQ\x00"}, {"q": "\x00"}, {"o": "\x00"}, {"e": "\x00"}],
)
def test_a_nul_in_an_admin_incident_list_filter_is_a_bad_request(editor_client, params):
    response = editor_client.get(reverse("admin:incidents_incident_changelist"), params)

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("model", "params"),
    [
        ("actor", {"actor_type": "\x00"}),
        ("actor", {"q": "\x00"}),
        ("source", {"source_type": "\x00"}),
        ("source", {"published_at__gte": "\x00"}),
    ],
)
def test_a_nul_in_other_admin_list_filters_is_a_bad_request(editor_client, model, params):
    response = editor_client.get(reverse(f"admin:incidents_{model}_changelist"), params)

    assert response.status_code == 400


def test_a_nul_in_admin_autocomplete_is_a_bad_request(analyst_client):
    response = analyst_client.get(reverse("admin:autocomplete"), {**AUTOCOMPLETE, "term": "a\x00"})

    assert response.status_code == 400


def test_a_nul_in_a_session_cookie_is_a_bad_request(client, incident):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"

    response = client.get(reverse("admin:index"))

    assert response.status_code == 400


def test_a_nul_in_an_api_token_is_a_bad_request_in_json():
    response = APIClient().get(API_URL, headers={"Authorization": "Token abc\x00def"})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Null characters (%00) are not allowed in the Authorization header."
    }


def test_merging_into_a_public_id_with_a_nul_says_it_is_not_one(editor):
    kept, duplicate = IncidentFactory(), IncidentFactory()
    api = APIClient()
    api.force_authenticate(editor)

    response = api.post(
        f"{API_URL}{duplicate.public_id}/merge/", {"into": f"{kept.public_id}\x00"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["into"] == ["Null characters are not allowed."]
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of is None


def test_the_admin_merge_form_refuses_a_nul(editor_client):
    kept, duplicate = IncidentFactory(), IncidentFactory()

    response = editor_client.post(
        reverse("admin:incidents_incident_merge", args=[duplicate.pk]),
        {"into": f"{kept.public_id}\x00", "note": ""},
    )

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
