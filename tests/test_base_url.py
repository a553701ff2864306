"""Every absolute URL Tessera writes is built on one base: TESSERA_BASE_URL when set, else the
host the request came through, else (commands) http://127.0.0.1:8000."""

from __future__ import annotations

import csv
import io
import json

import bibtexparser
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

OTHER_PORT = "127.0.0.1:8201"


@pytest.fixture
def unset_base_url(settings):
    settings.TESSERA_BASE_URL = ""


@pytest.fixture
def incident(db):
    incident = IncidentFactory(status="published")
    incident.summary = "Corrected."
    incident.save()  # a second version, whose history has a next page at page_size=1
    return incident


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_without_a_base_url_every_link_of_the_api_is_on_the_requests_host(unset_base_url, incident):
    client = APIClient(HTTP_HOST=OTHER_PORT)
    here = f"http://{OTHER_PORT}"

    shown = client.get(f"/api/v1/incidents/{incident.public_id}/").json()
    history = client.get(f"/api/v1/incidents/{incident.public_id}/history/?page_size=1").json()
    listed = client.get("/api/v1/incidents/?page_size=1").json()

    assert shown["url"] == f"{here}/api/v1/incidents/{incident.public_id}/"
    assert shown["permalink"] == f"{here}/incidents/{incident.public_id}/"
    assert f"{here}/incidents/{incident.public_id}/v/2/ " in shown["citation"]
    assert shown["location"]["url"].startswith(f"{here}/api/v1/locations/")
    assert history["next"].startswith(f"{here}/api/v1/incidents/{incident.public_id}/history/")
    assert listed["results"][0]["url"] == shown["url"]


def test_without_a_base_url_the_page_and_its_citations_are_on_the_requests_host(
    unset_base_url, incident, client
):
    here = f"http://{OTHER_PORT}"

    page = client.get(f"/incidents/{incident.public_id}/", HTTP_HOST=OTHER_PORT)
    bib = client.get(f"/incidents/{incident.public_id}/cite.bib", HTTP_HOST=OTHER_PORT)
    csl = client.get(f"/incidents/{incident.public_id}/cite.json", HTTP_HOST=OTHER_PORT)

    assert f'href="{here}/incidents/{incident.public_id}/"' in page.content.decode()
    assert f"{here}/incidents/{incident.public_id}/v/2/" in page.content.decode()
    assert "127.0.0.1:8000" not in page.content.decode()
    [entry] = bibtexparser.loads(bib.content.decode()).entries
    assert entry["url"] == f"{here}/incidents/{incident.public_id}/v/2/"
    assert json.loads(csl.content)[0]["URL"] == entry["url"]


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_without_a_base_url_an_exports_permalinks_are_on_the_requests_host(
    unset_base_url, incident, fmt
):
    response = APIClient(HTTP_HOST=OTHER_PORT).get(
        "/api/v1/incidents/export/", {"format": fmt, "preset": "native"}
    )
    content = b"".join(response.streaming_content)

    if fmt == "csv":
        [row] = _csv_rows(content)
        permalink = row["permalink"]
    else:
        [feature] = json.loads(content)["features"]
        permalink = feature["properties"]["permalink"]
    assert permalink == f"http://{OTHER_PORT}/incidents/{incident.public_id}/"


def test_a_configured_base_url_is_used_for_every_link_whatever_the_host(settings, incident):
    settings.TESSERA_BASE_URL = "https://tessera.example.org/conflict"
    base = settings.TESSERA_BASE_URL
    client = APIClient(HTTP_HOST=OTHER_PORT)

    shown = client.get(f"/api/v1/incidents/{incident.public_id}/").json()
    history = client.get(f"/api/v1/incidents/{incident.public_id}/history/?page_size=1").json()
    exported = client.get("/api/v1/incidents/export/", {"preset": "native"})
    [row] = _csv_rows(b"".join(exported.streaming_content))

    assert shown["url"] == f"{base}/api/v1/incidents/{incident.public_id}/"
    assert shown["permalink"] == f"{base}/incidents/{incident.public_id}/"
    assert f"{base}/incidents/{incident.public_id}/v/2/ " in shown["citation"]
    assert history["next"].startswith(f"{base}/api/v1/incidents/{incident.public_id}/history/")
    assert row["permalink"] == shown["permalink"]


def test_a_command_writes_links_on_the_base_url_or_on_the_documented_default(
    settings, incident, tmp_path
):
    settings.TESSERA_BASE_URL = ""
    # A request answered before must not leave its host behind for the command.
    APIClient(HTTP_HOST=OTHER_PORT).get(f"/api/v1/incidents/{incident.public_id}/")
    call_command("export_incidents", "-o", str(tmp_path / "default.csv"))
    settings.TESSERA_BASE_URL = "https://tessera.example.org"
    call_command("export_incidents", "-o", str(tmp_path / "configured.csv"))

    [default] = _csv_rows((tmp_path / "default.csv").read_bytes())
    [configured] = _csv_rows((tmp_path / "configured.csv").read_bytes())
    assert default["permalink"] == f"http://127.0.0.1:8000/incidents/{incident.public_id}/"
    assert configured["permalink"] == f"https://tessera.example.org/incidents/{incident.public_id}/"
