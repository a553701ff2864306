"""A list, its export and its count give published records, one row per event, unless `status`
asks for more: retracted records and merged duplicates are there when asked for by name."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rest_framework.test import APIClient

from incidents.merging import merge
from incidents.taxonomy import Status
from tests.factories import IncidentFactory, LocationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"


@pytest.fixture
def iraq(seeded, editor):
    """The three published Iraqi events of the demo (keys 3, 4 and 5), plus a retracted record
    and a duplicate merged into one of them, all in Iraq."""
    place = LocationFactory(country="IRQ")
    retracted = IncidentFactory(location=place, status=Status.RETRACTED)
    duplicate = IncidentFactory(location=place)
    merge(duplicate, seeded["4"], user=editor)
    return {
        "events": {seeded[key].public_id for key in ("3", "4", "5")},
        "retracted": retracted.public_id,
        "merged": duplicate.public_id,
    }


def csv_rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body)))


def listed(client: APIClient, params: dict) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return [row["public_id"] for row in response.json()["results"]]


def test_a_country_s_csv_has_one_row_per_event(iraq):
    # What `pd.read_csv(url + "&format=csv")` reads: len(df) is the number of events.
    rows = csv_rows(APIClient().get(URL, {"country": "IRQ", "format": "csv"}))

    assert len(rows) == len(iraq["events"])
    assert {row["public_id"] for row in rows} == iraq["events"]
    assert {row["status"] for row in rows} == {"published"}


@pytest.mark.parametrize("fmt", ["json", "geojson"])
def test_lists_and_downloads_leave_out_retracted_and_merged_records(iraq, fmt):
    response = APIClient().get(URL, {"country": "IRQ", "format": fmt})
    if fmt == "json":
        shown = {row["public_id"] for row in response.json()["results"]}
    else:
        collection = json.loads(b"".join(response.streaming_content))
        shown = {feature["id"] for feature in collection["features"]}

    assert shown == iraq["events"]


def test_anyone_asks_for_retractions_and_merges_by_status(iraq):
    client = APIClient()

    retracted = set(listed(client, {"country": "IRQ", "status": "retracted"}))
    public = set(listed(client, {"country": "IRQ", "status": "published,retracted"}))

    assert retracted == {iraq["retracted"], iraq["merged"]}
    assert public == iraq["events"] | retracted


def test_a_merged_duplicate_says_which_record_it_was_merged_into(iraq, seeded):
    rows = APIClient().get(URL, {"country": "IRQ", "status": "retracted"}).json()["results"]

    merged = next(row for row in rows if row["public_id"] == iraq["merged"])
    assert merged["duplicate_of"]["public_id"] == seeded["4"].public_id


def test_analysts_get_the_same_default_and_ask_for_drafts_by_name(iraq, analyst):
    draft = IncidentFactory(location=LocationFactory(country="IRQ"), status=Status.DRAFT)
    client = APIClient()
    client.force_authenticate(analyst)

    assert set(listed(client, {"country": "IRQ"})) == iraq["events"]
    assert listed(client, {"country": "IRQ", "status": "draft"}) == [draft.public_id]


def test_one_record_s_address_still_answers_whatever_its_status(iraq):
    response = APIClient().get(f"{URL}{iraq['retracted']}/")

    assert response.status_code == 200
    assert response.json()["status"] == "retracted"
