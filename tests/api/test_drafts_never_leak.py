"""A draft is never visible to anonymous users or researchers, by any route."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rest_framework.test import APIClient

from incidents.models import IncidentRelation
from tests.factories import IncidentActorFactory, IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"
SECRET = "Zanzibar"  # a word only the unpublished incidents contain


@pytest.fixture
def records():
    published = IncidentFactory(title="Published strike", status="published")
    draft = IncidentFactory(title=f"Draft strike {SECRET}", status="draft")
    in_review = IncidentFactory(title=f"Strike under review {SECRET}", status="in review")
    for incident in (published, draft, in_review):
        IncidentActorFactory(incident=incident)
    IncidentRelation.objects.create(from_incident=published, to_incident=draft, kind="response to")
    return {"published": published, "draft": draft, "in_review": in_review}


def readers():
    researcher = APIClient()
    researcher.force_authenticate(UserFactory(username="reader", role="researcher"))
    return [APIClient(), researcher]


@pytest.mark.parametrize("reader", [0, 1], ids=["anonymous", "researcher"])
def test_unpublished_incidents_are_invisible(records, reader):
    client = readers()[reader]

    listed = client.get(URL).json()["results"]
    searched = client.get(URL, {"q": SECRET}).json()["results"]
    csv_body = b"".join(client.get(URL, {"format": "csv"}).streaming_content).decode()
    geojson = json.loads(b"".join(client.get(URL, {"format": "geojson"}).streaming_content))

    assert [row["public_id"] for row in listed] == [records["published"].public_id]
    assert searched == []
    assert [row["public_id"] for row in csv.DictReader(io.StringIO(csv_body))] == [
        records["published"].public_id
    ]
    assert SECRET not in csv_body
    assert [f["id"] for f in geojson["features"]] == [records["published"].public_id]
    for hidden in ("draft", "in_review"):
        public_id = records[hidden].public_id
        assert client.get(f"{URL}{public_id}/").status_code == 404
        assert client.get(f"{URL}{public_id}/", {"format": "csv"}).status_code == 404
    # The published record links to the draft; the link is not shown.
    detail = client.get(f"{URL}{records['published'].public_id}/").json()
    assert detail["relations"] == []
    assert records["draft"].public_id not in json.dumps(detail)


def test_analysts_and_editors_see_every_status_they_ask_for(records, analyst):
    client = APIClient()
    client.force_authenticate(analyst)

    listed = {row["public_id"] for row in client.get(URL).json()["results"]}
    asked = client.get(URL, {"status": "draft,in review,published"}).json()["results"]

    assert listed == {records["published"].public_id}  # a list's default, as for everyone
    assert {row["public_id"] for row in asked} == {r.public_id for r in records.values()}
    assert client.get(f"{URL}{records['draft'].public_id}/").status_code == 200
