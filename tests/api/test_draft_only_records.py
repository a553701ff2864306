"""Actors, sources, places and tags that only drafts name are as unseen as the drafts."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from incidents.models import Actor, Source, Tag
from incidents.taxonomy import ActorRole
from tests.factories import (
    ActorFactory,
    CitationFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "Zanzibar"  # a word only the records that drafts alone name contain
RESOURCES = {
    "actors": ("actor", "name"),
    "sources": ("source", "title"),
    "locations": ("location", "name"),
}


@pytest.fixture
def records():
    """A published, a retracted and a draft incident, each with its own place, actor, source
    and tag; the public actor and place have a draft-only parent, the actor a draft-only
    backer."""
    secret_unit = ActorFactory(name=f"{SECRET} parent unit")
    secret_backer = ActorFactory(name=f"{SECRET} backer")
    secret_region = LocationFactory(name=f"{SECRET} region")
    draft = IncidentFactory(
        status="draft",
        location=LocationFactory(name=f"{SECRET} village"),
        origin_location=LocationFactory(name=f"{SECRET} launch site"),
    )
    in_review = IncidentFactory(status="in review")
    for incident in (draft, in_review):
        IncidentActorFactory(incident=incident, actor=secret_unit, role=ActorRole.TARGET)
        IncidentActorFactory(incident=incident, actor=secret_backer)
    IncidentActorFactory(incident=draft, actor=ActorFactory(name=f"{SECRET} brigade"))
    CitationFactory(
        incident=draft,
        source=SourceFactory(title=f"{SECRET} report", publisher=f"{SECRET} Wire"),
    )
    draft.tags.create(name=f"{SECRET} campaign")
    in_review.location.parent = secret_region
    in_review.location.save()

    public_group = ActorFactory(name="Public group", parent=secret_unit)
    public_group.backed_by.add(secret_backer)
    published = IncidentFactory(
        status="published", location=LocationFactory(name="Public town", parent=secret_region)
    )
    IncidentActorFactory(incident=published, actor=public_group)
    original = SourceFactory(title="Original report")
    CitationFactory(
        incident=published, source=SourceFactory(title="Public report", republished_from=original)
    )
    published.tags.create(name="public campaign")
    retracted = IncidentFactory(status="retracted", location=LocationFactory(name="Retracted town"))
    IncidentActorFactory(incident=retracted, actor=ActorFactory(name="Retracted group"))
    return {"published": published, "draft": draft}


def readers() -> list[APIClient]:
    researcher = APIClient()
    researcher.force_authenticate(UserFactory(username="reader", role="researcher"))
    return [APIClient(), researcher]


def staff_client(analyst) -> APIClient:
    client = APIClient()
    client.force_authenticate(analyst)
    return client


def secret_ids(model) -> list[int]:
    field = "title" if model is Source else "name"
    return list(model.objects.filter(**{f"{field}__contains": SECRET}).values_list("pk", flat=True))


def listed(client: APIClient, resource: str, **params) -> list[str]:
    field = RESOURCES[resource][1]
    response = client.get(f"/api/v1/{resource}/", {"page_size": 100, **params})
    assert response.status_code == 200
    return [row[field] for row in response.json()["results"]]


@pytest.mark.parametrize("reader", [0, 1], ids=["anonymous", "researcher"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_draft_only_records_are_invisible(records, reader, resource):
    client = readers()[reader]

    every = listed(client, resource)
    assert every and not [name for name in every if SECRET in name]
    assert listed(client, resource, q=SECRET) == []
    assert SECRET not in json.dumps(client.get(f"/api/v1/{resource}/", {"brief": 1}).json())
    browsable = client.get(f"/api/v1/{resource}/", HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200
    assert SECRET not in browsable.content.decode()
    model = {"actors": Actor, "sources": Source}.get(resource)
    hidden = secret_ids(model) if model else [records["draft"].location_id]
    for pk in hidden:
        assert client.get(f"/api/v1/{resource}/{pk}/").status_code == 404
        assert client.get(f"/api/v1/{resource}/{pk}/", HTTP_ACCEPT="text/html").status_code == 404


@pytest.mark.parametrize("reader", [0, 1], ids=["anonymous", "researcher"])
def test_records_of_public_incidents_are_visible_without_draft_only_references(records, reader):
    client = readers()[reader]

    assert sorted(listed(client, "actors")) == ["Public group", "Retracted group"]
    assert sorted(listed(client, "locations")) == ["Public town", "Retracted town"]
    # The original a cited source republishes is shown with the citation, so it is public.
    assert sorted(listed(client, "sources")) == ["Original report", "Public report"]
    group = Actor.objects.get(name="Public group")
    actor = client.get(f"/api/v1/actors/{group.pk}/").json()
    assert (actor["parent"], actor["backed_by"]) == (None, [])
    town = records["published"].location
    assert client.get(f"/api/v1/locations/{town.pk}/").json()["parent"] is None
    report = Source.objects.get(title="Public report")
    assert client.get(f"/api/v1/sources/{report.pk}/").json()["republished_from"]["title"] == (
        "Original report"
    )


@pytest.mark.parametrize("reader", [0, 1], ids=["anonymous", "researcher"])
def test_public_incident_shows_no_draft_only_record(records, reader):
    client = readers()[reader]
    public_id = records["published"].public_id

    detail = client.get(f"/api/v1/incidents/{public_id}/")
    page = client.get(f"/incidents/{public_id}/")

    assert detail.status_code == page.status_code == 200
    assert "Public group" in json.dumps(detail.json())
    assert SECRET not in json.dumps(detail.json())
    assert "Public group" in page.content.decode()
    assert SECRET not in page.content.decode()


def filter_answer(client: APIClient, parameter: str, value: str) -> tuple[int, str]:
    response = client.get("/api/v1/incidents/", {parameter: value})
    body = json.dumps(response.json(), ensure_ascii=False)
    return response.status_code, body.replace(f"“{value}”", "“VALUE”")


def filter_values(records) -> dict[str, str]:
    return {
        "tag": f"{SECRET} campaign",
        "actor": f"{SECRET} brigade",
        "perpetrator": str(secret_ids(Actor)[0]),
        "target": f"{SECRET} parent unit",
        "source": str(secret_ids(Source)[0]),
        "location": str(records["draft"].location_id),
        "publisher": f"{SECRET} Wire",
    }


@pytest.mark.parametrize("reader", [0, 1], ids=["anonymous", "researcher"])
@pytest.mark.parametrize(
    "parameter", ["tag", "actor", "perpetrator", "target", "source", "location", "publisher"]
)
def test_a_draft_only_filter_value_answers_like_an_unknown_one(records, reader, parameter):
    client = readers()[reader]
    value = filter_values(records)[parameter]
    unknown = "Nowhere at all" if not value.isdigit() else "999999"

    assert filter_answer(client, parameter, value) == filter_answer(client, parameter, unknown)


def test_public_filter_values_still_match(records):
    client = APIClient()
    published = records["published"]

    for parameter, value in [
        ("tag", "public campaign"),
        ("actor", "Public group"),
        ("location", str(published.location_id)),
        ("source", str(Source.objects.get(title="Public report").pk)),
    ]:
        response = client.get("/api/v1/incidents/", {parameter: value})
        assert response.status_code == 200, (parameter, response.json())
        assert [row["public_id"] for row in response.json()["results"]] == [published.public_id]


@pytest.mark.parametrize("resource", RESOURCES)
def test_analysts_and_editors_see_every_record(records, analyst, resource):
    client = staff_client(analyst)

    assert [name for name in listed(client, resource) if SECRET in name]
    model = {"actors": Actor, "sources": Source}.get(resource)
    for pk in secret_ids(model) if model else [records["draft"].location_id]:
        assert client.get(f"/api/v1/{resource}/{pk}/").status_code == 200
    group = Actor.objects.get(name="Public group")
    assert client.get(f"/api/v1/actors/{group.pk}/").json()["parent"]["name"] == (
        f"{SECRET} parent unit"
    )


def test_analysts_filter_by_draft_only_values(records, analyst):
    client = staff_client(analyst)
    draft = records["draft"].public_id

    for parameter, value in filter_values(records).items():
        response = client.get("/api/v1/incidents/", {parameter: value, "status": "draft"})
        assert response.status_code == 200, (parameter, response.json())
        assert draft in [row["public_id"] for row in response.json()["results"]], parameter


def test_draft_only_tags_stay_hidden_until_published(records):
    client = APIClient()
    params = {"tag": f"{SECRET} campaign"}
    assert client.get("/api/v1/incidents/", params).status_code == 400

    draft = records["draft"]
    draft.status = "published"
    draft.save()

    assert Tag.objects.filter(name=f"{SECRET} campaign").exists()
    assert client.get("/api/v1/incidents/", params).status_code == 200


@pytest.mark.parametrize("resource", RESOURCES)
def test_public_lists_run_the_same_queries_for_1_and_20_records(resource):
    def make(count: int) -> None:
        for _ in range(count):
            incident = IncidentFactory(location=LocationFactory(parent=LocationFactory()))
            IncidentActorFactory(incident=incident, actor=ActorFactory(parent=ActorFactory()))
            CitationFactory(
                incident=incident, source=SourceFactory(republished_from=SourceFactory())
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert APIClient().get(f"/api/v1/{resource}/", {"page_size": 100}).status_code == 200
        return len(captured)

    make(1)
    with_one = queries()
    make(19)
    assert queries() == with_one
