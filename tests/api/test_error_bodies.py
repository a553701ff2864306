"""Every error of the API has a JSON body, server errors and database outages included; the
pages keep their HTML error pages."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client
from rest_framework.test import APIClient

from incidents.api.views import IncidentViewSet
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def crash(*args, **kwargs):
    raise RuntimeError("a bug")


@pytest.fixture
def database_down(monkeypatch):
    """Every new query fails as it does while PostgreSQL restarts."""

    def refuse():
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)


@pytest.mark.parametrize(
    "url", ["/api", "/api/v1/nothing-here/", "/api/v1/incidents/not.an.id/", "/api/v2/incidents/"]
)
def test_an_unknown_api_url_is_a_json_404(url):
    response = APIClient().get(url)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_is_still_an_html_404():
    response = Client().get("/nothing-here/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    # Tessera's own page, with the way back to the published incidents.
    assert "public id" in response.content.decode()
    assert 'href="/"' in response.content.decode()


def test_a_bad_request_refused_before_any_api_view_is_a_json_400():
    response = APIClient().get("/api/v1/incidents/", headers={"Host": "elsewhere.example"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}


def test_a_server_error_in_the_api_is_a_json_500(monkeypatch):
    monkeypatch.setattr(IncidentViewSet, "list", crash)

    response = APIClient(raise_request_exception=False).get("/api/v1/incidents/")

    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred."}


def test_a_server_error_on_a_page_is_still_an_html_500(monkeypatch):
    monkeypatch.setattr("incidents.views.citation_formats.bibtex", crash)
    incident = IncidentFactory(status="published")
    client = Client(raise_request_exception=False)

    response = client.get(f"/incidents/{incident.public_id}/cite.bib")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "try again in a moment" in response.content.decode()


def test_a_database_error_inside_an_api_view_is_a_json_503(monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(IncidentViewSet, "list", unreachable)

    response = APIClient(raise_request_exception=False).get("/api/v1/incidents/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "database is unavailable" in response.json()["detail"]


@pytest.mark.parametrize("url", ["/api/v1/incidents/", "/api/v1/actors/", "/api/v1/auth/token/"])
def test_an_api_request_while_the_database_is_down_is_a_json_503(database_down, url):
    response = APIClient(raise_request_exception=False).get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "database is unavailable" in response.json()["detail"]


def test_a_page_while_the_database_is_down_is_an_html_503(database_down):
    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert "database is unavailable" in response.content.decode()
