"""What the explorer page gives its map's script: the selection's clusters, where the map opens,
the page's area, and the basemap or tile server (the script itself: test_map_in_a_browser)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from config.settings import tile_source
from incidents.taxonomy import Status
from tests.conftest import ROOT
from tests.factories import IncidentFactory, LocationFactory

pytestmark = pytest.mark.django_db

PAGE = "/incidents/"


def map_data(response) -> dict[str, str]:
    html = response.content.decode()
    element = re.search(r'<div class="incident-map" id="incident-map" hidden([^>]*)>', html)
    assert element, "no map on the page"
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', element.group(1)))


@pytest.fixture
def places():
    IncidentFactory(location=LocationFactory(latitude=33.26, longitude=44.23, country="IRQ"))
    IncidentFactory(location=LocationFactory(latitude=36.34, longitude=43.13, country="IRQ"))
    IncidentFactory(location=LocationFactory(latitude=33.51, longitude=36.28, country="SYR"))
    hidden = LocationFactory(latitude=10.0, longitude=10.0, country="NGA")
    IncidentFactory(location=hidden, status=Status.DRAFT)


def test_the_map_asks_for_the_selections_clusters_without_its_paging(client, places):
    response = client.get(PAGE, {"country": "IRQ", "ordering": "date", "page_size": "10"})

    data = map_data(response)
    assert data["clusters-url"] == "/api/v1/incidents/clusters/?country=IRQ"
    # The map opens on the box of the selection's places (the draft in Nigeria is not one).
    assert data["extent"] == "43.13000,33.26000,44.23000,36.34000"
    assert data["max-zoom"] == "18"
    assert data["basemap-url"] == "/static/vendor/world-atlas/countries-110m.geojson"
    assert data["tile-url"] == ""


def test_the_whole_selection_opens_on_every_public_place(client, places):
    data = map_data(client.get(PAGE))

    assert data["clusters-url"] == "/api/v1/incidents/clusters/"
    assert data["extent"] == "36.28000,33.26000,44.23000,36.34000"


def test_a_page_narrowed_to_an_area_keeps_it_apart_and_offers_to_remove_it(client, places):
    response = client.get(PAGE, {"bbox": "40,30,48,38", "q": "rocket"})

    data = map_data(response)
    # The script narrows the visible box to the page's area.
    assert data["clusters-url"] == "/api/v1/incidents/clusters/?q=rocket"
    assert data["bbox"] == "40,30,48,38"
    assert '<a href="?q=rocket">Remove the area</a>' in response.content.decode()
    assert "2 incidents" in response.content.decode()


def test_an_empty_selection_has_a_map_that_opens_on_the_world(client, places):
    data = map_data(client.get(PAGE, {"country": "FRA"}))

    assert data["extent"] == ""


def test_a_page_that_cannot_be_answered_has_no_map(client, places):
    response = client.get(PAGE, {"bbox": "40,38,48,30"})

    assert response.status_code == 400
    assert 'id="incident-map"' not in response.content.decode()


def test_a_tile_server_replaces_the_outlines_and_the_policy_admits_its_images(client, settings):
    settings.TESSERA_TILE_URL = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    settings.TESSERA_TILE_ATTRIBUTION = "© Example contributors"

    data = map_data(client.get(PAGE))

    assert data["tile-url"] == settings.TESSERA_TILE_URL
    assert data["tile-attribution"] == "© Example contributors"
    assert tile_source(settings.TESSERA_TILE_URL) == ["https://*.tile.example.org"]
    assert tile_source("https://tiles.example.org:8443/{z}/{x}/{y}.png") == [
        "https://tiles.example.org:8443"
    ]
    assert tile_source("") == []


def test_a_deployment_with_a_tile_server_lets_the_browser_load_its_tiles():
    env = {**os.environ, "TESSERA_TILE_URL": "https://{s}.tile.example.org/{z}/{x}/{y}.png"}
    read = (
        "import json; from config import settings; "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    printed = subprocess.run(
        [sys.executable, "-c", read], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout

    assert json.loads(printed) == ["'self'", "data:", "https://*.tile.example.org"]


def test_the_pages_scripts_and_styles_weigh_at_most_300_kb_before_the_basemap(client, places):
    html = client.get(PAGE).content.decode()
    assets = re.findall(r'<script src="/static/([^"]+)"', html)
    assets += re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html)

    assert {"vendor/leaflet/leaflet.js", "js/incident_map.js", "css/map.css"} <= set(assets)
    weight = sum((ROOT / "static" / asset).stat().st_size for asset in assets)
    assert weight <= 300_000
