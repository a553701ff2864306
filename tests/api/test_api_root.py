"""`/api/v1/`, where the README says the API lives, lists its resources, schema and docs."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_api_root_links_every_resource_the_schema_and_the_docs(seeded):
    client = APIClient()

    response = client.get("/api/v1/")

    assert response.status_code == 200
    links = response.json()
    assert links == {
        "incidents": "http://testserver/api/v1/incidents/",
        "actors": "http://testserver/api/v1/actors/",
        "locations": "http://testserver/api/v1/locations/",
        "sources": "http://testserver/api/v1/sources/",
        "schema": "http://testserver/api/v1/schema/",
        "docs": "http://testserver/api/v1/docs/",
    }
    for url in links.values():
        assert client.get(url).status_code == 200, url


def test_the_api_root_is_browsable(db):
    response = APIClient().get("/api/v1/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert b"/api/v1/incidents/" in response.content
