from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from incidents.models import Incident
from tests.factories import (
    ActorFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"


def client_for(role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(username=f"{role}-writer", role=role))
    return client


def current(incident: Incident) -> dict[str, str]:
    """The If-Match header that names the incident's version as it is now."""
    incident.refresh_from_db()
    return {"HTTP_IF_MATCH": incident.etag}


def payload(**fields):
    return {
        "title": "Rockets near the base",
        "date_start": "2022-01-05",
        "date_precision": "day",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "location": LocationFactory(country="IRQ").pk,
        "geo_precision": 1,
        "confidence": "single source",
        **fields,
    }


def test_created_incident_reads_back_with_nested_actors_citations_and_tags():
    militia, source = ActorFactory(name="Militia"), SourceFactory(publisher="Al Arabiya")
    client = client_for("analyst")

    response = client.post(
        URL,
        payload(
            munition_count=5,
            fatalities_best=0,
            tags=["base attacks", "base attacks", " rockets "],
            actors=[{"actor": militia.pk, "role": "perpetrator", "attribution": "alleged"}],
            citations=[
                {"source": source.pk, "quote": "Five rockets landed.", "supports": ["munitions"]}
            ],
        ),
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["public_id"] == "IRQ-2022-00001"
    assert body["date_end"] == "2022-01-05"
    assert body["status"] == "draft"
    assert body["fatalities_best"] == 0 and body["fatalities_high"] is None
    assert body["tags"] == ["base attacks", "rockets"]
    assert body["actors"][0]["actor"]["name"] == "Militia"
    assert body["actors"][0]["attribution"] == "alleged"
    assert body["citations"][0]["source"]["publisher"] == "Al Arabiya"
    assert body["citations"][0]["supports"] == ["munitions"]
    assert body["location"]["country"] == "IRQ"
    incident = Incident.objects.get()
    assert incident.created_by.username == "analyst-writer"


def test_model_rules_are_400s_naming_the_field():
    response = client_for("analyst").post(
        URL,
        payload(
            date_end="2022-01-01",
            event_type="Battles",
            fatalities_low=3,
            fatalities_best=1,
        ),
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()
    assert errors["date_end"] == ["The end date cannot be before the start date."]
    assert errors["sub_event_type"] == ["The sub-event type does not belong to the event type."]
    assert errors["fatalities_low"] == [
        "The low fatality estimate cannot exceed the best estimate."
    ]
    assert not Incident.objects.exists()


def test_unknown_choice_is_a_400_naming_the_field():
    response = client_for("analyst").post(URL, payload(weapon="slingshot"), format="json")

    assert response.status_code == 400
    assert "weapon" in response.json()


@pytest.mark.parametrize("judgement", ["date_precision", "geo_precision", "confidence"])
def test_a_new_incident_without_a_judgement_is_a_400_naming_it(judgement):
    body = payload()
    del body[judgement]

    response = client_for("analyst").post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()[judgement] == ["This field is required."]
    assert not Incident.objects.exists()


def test_an_actor_without_an_attribution_is_a_400_not_a_confirmed_one():
    unidentified = ActorFactory(name="Unidentified armed group")

    response = client_for("analyst").post(
        URL, payload(actors=[{"actor": unidentified.pk, "role": "perpetrator"}]), format="json"
    )

    assert response.status_code == 400
    assert response.json()["actors"] == {"0": {"attribution": ["This field is required."]}}


def test_analyst_cannot_publish_through_the_api():
    draft = IncidentFactory(status="in review")

    response = client_for("analyst").patch(
        f"{URL}{draft.public_id}/", {"status": "published"}, format="json", **current(draft)
    )

    assert response.status_code == 400
    assert response.json()["status"] == ["Only editors can publish incidents."]
    draft.refresh_from_db()
    assert draft.status == "in review"


def test_editor_publishes_through_the_api():
    draft = IncidentFactory(status="in review")

    response = client_for("editor").patch(
        f"{URL}{draft.public_id}/", {"status": "published"}, format="json", **current(draft)
    )

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == "published"


def test_partial_update_keeps_actors_unless_given():
    incident = IncidentFactory(status="draft")
    IncidentActorFactory(incident=incident)
    client = client_for("analyst")

    url = f"{URL}{incident.public_id}/"
    client.patch(url, {"title": "New title"}, format="json", **current(incident))
    assert incident.participants.count() == 1

    client.patch(url, {"actors": []}, format="json", **current(incident))
    assert incident.participants.count() == 0


def test_same_actor_twice_in_one_role_is_a_400():
    actor = ActorFactory()
    row = {"actor": actor.pk, "role": "target", "attribution": "confirmed"}

    response = client_for("analyst").post(URL, payload(actors=[row, row]), format="json")

    assert response.status_code == 400
    assert "actors" in response.json()


def test_deleting_an_actor_still_in_use_is_a_409():
    participation = IncidentActorFactory()

    response = client_for("editor").delete(f"/api/v1/actors/{participation.actor.pk}/")

    assert response.status_code == 409
    assert "cannot be deleted" in response.json()["detail"]


def test_location_with_latitude_123_is_a_400():
    response = client_for("analyst").post(
        "/api/v1/locations/",
        {"name": "Nowhere", "kind": "area", "latitude": 123, "longitude": 0, "country": "IRQ"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["latitude"] == ["Latitude must be between -90 and 90 degrees."]


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", 5), ("munition_count", "5"), ("tags", "drone"), ("tags", [5]), ("location", "1")],
)
def test_a_value_of_the_wrong_json_type_is_a_400_naming_its_field(field, value):
    response = client_for("analyst").post(URL, payload(**{field: value}), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_list_of_ids_sent_as_an_object_is_a_400():
    response = client_for("analyst").post(
        "/api/v1/actors/", {"name": "Militia", "actor_type": 2, "backed_by": {}}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["backed_by"]


def test_a_form_body_is_refused_as_an_unsupported_media_type():
    response = client_for("analyst").post(URL, payload(), format="multipart")

    assert response.status_code == 415


@pytest.mark.parametrize("value", ["null", "maybe"])
def test_a_brief_that_is_neither_yes_nor_no_is_a_400_naming_it(value):
    response = APIClient().get("/api/v1/actors/", {"brief": value})

    assert response.status_code == 400
    assert list(response.json()) == ["brief"]


@pytest.mark.parametrize("resource", ["actors", "locations", "sources"])
def test_brief_lists_and_q_search_for_autocomplete(resource, analyst):
    # Analysts see every record, those that only drafts name too (test_draft_only_records.py).
    client = APIClient()
    client.force_authenticate(analyst)
    if resource == "actors":
        ActorFactory(name="Syrian Democratic Forces", aliases="SDF")
        ActorFactory(name="Other")
        term, expected = "sdf", "Syrian Democratic Forces"
    elif resource == "locations":
        LocationFactory(name="Ain al-Asad Air Base", alternate_names="Al Asad Airbase")
        LocationFactory(name="Other")
        term, expected = "al asad", "Ain al-Asad Air Base"
    else:
        SourceFactory(title="Drones over Baghdad", publisher="Reuters")
        SourceFactory(title="Other")
        term, expected = "baghdad", "Drones over Baghdad"

    rows = client.get(f"/api/v1/{resource}/", {"q": term, "brief": 1}).json()["results"]

    assert len(rows) == 1
    assert expected in (rows[0].get("name"), rows[0].get("title"))
    assert "created_at" not in rows[0]


def test_deleting_a_place_with_incidents_is_a_409_naming_them():
    incident = IncidentFactory()

    response = client_for("editor").delete(f"/api/v1/locations/{incident.location.pk}/")

    assert response.status_code == 409
    assert response.json()["detail"] == ("Still referred to by incidents; it cannot be deleted.")


def test_actors_written_through_the_api_are_found_by_q():
    actor = ActorFactory(name="Kataib Sayyid al-Shuhada", aliases="KSS")
    client = client_for("analyst")
    created = client.post(
        URL,
        payload(actors=[{"actor": actor.pk, "role": "perpetrator", "attribution": "claimed"}]),
        format="json",
    ).json()

    found = client.get(URL, {"q": "KSS", "status": "draft"}).json()["results"]

    assert [row["public_id"] for row in found] == [created["public_id"]]


def test_actor_sides_are_read_and_written():
    incident = IncidentFactory(status="draft")
    actor = ActorFactory()
    client = client_for("analyst")

    response = client.patch(
        f"{URL}{incident.public_id}/",
        {"actors": [{"actor": actor.pk, "role": "party", "attribution": "confirmed", "side": "A"}]},
        format="json",
        **current(incident),
    )

    assert response.json()["actors"][0]["side"] == "A"
    assert incident.participants.get().side == "A"
