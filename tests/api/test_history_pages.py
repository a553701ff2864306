"""The history of an incident answers 200 with an empty page when no version is left to show."""

from __future__ import annotations

import base64

import pytest
from rest_framework.test import APIClient

from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/{}/history/"


def test_a_published_incident_without_versions_has_an_empty_history():
    # As bulk-loaded records (bench's generated incidents) are: written without history rows.
    incident = IncidentFactory(status="published")
    incident.history.all().delete()

    response = APIClient().get(URL.format(incident.public_id))

    assert response.status_code == 200
    assert response.json() == {"next": None, "previous": None, "results": []}


def test_a_cursor_past_the_oldest_version_gives_an_empty_page():
    incident = IncidentFactory(status="published")
    past_the_end = base64.b64encode(b"p=1").decode()

    response = APIClient().get(URL.format(incident.public_id), {"cursor": past_the_end})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_anonymous_users_see_an_empty_history_when_every_version_is_a_draft():
    incident = IncidentFactory(status="draft")
    incident.history.all().delete()
    incident.status = "published"
    incident.save_without_historical_record()

    response = APIClient().get(URL.format(incident.public_id))

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("parameter", [{"page_size": "ten"}, {"page_size": "0"}, {"cursor": "x"}])
def test_a_bad_page_size_or_cursor_is_a_400_naming_it(parameter):
    incident = IncidentFactory(status="published")

    response = APIClient().get(URL.format(incident.public_id), parameter)

    assert response.status_code == 400
    assert list(response.json()) == list(parameter)
