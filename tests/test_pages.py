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


def test_permalink_page_shows_the_record_and_its_quote(client, seeded):
    page = client.get("/incidents/SYR-2022-00001/").content.decode()

    assert "Eight rounds of indirect fire hit Green Village base" in page
    assert "eight rounds of indirect fire at Green Village" in page
    assert "Unidentified Iran-backed militia: perpetrator (alleged)" in page


def test_a_draft_has_no_permalink_page(client, db):
    draft = IncidentFactory(status="draft")

    assert client.get(f"/incidents/{draft.public_id}/").status_code == 404
