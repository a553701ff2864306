from __future__ import annotations

import pytest

from tests.factories import IncidentFactory


def test_home_lists_published_incidents_only(client, db):
    IncidentFactory(title="Published rocket attack", status="published")
    IncidentFactory(title="Draft drone strike", status="draft")

    page = client.get("/").content.decode()

    assert "Published rocket attack" in page
    assert "Draft drone strike" not in page


@pytest.mark.django_db
def test_health_check_reports_ok(client):
    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_stylesheet_is_served_locally(client):
    response = client.get("/static/css/tessera.css")

    assert response.status_code == 200
