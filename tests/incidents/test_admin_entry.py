from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.models import Incident
from tests.factories import ActorFactory, LocationFactory, SourceFactory
from tests.incidents.admin_forms import incident_form_data

ADD_URL = reverse("admin:incidents_incident_add")


@pytest.fixture
def ain_al_asad(db):
    return LocationFactory(name="Ain al-Asad Air Base", latitude=33.7856, longitude=42.4411)


def test_analyst_records_incident_with_actors_and_citation_in_one_post(
    analyst_client, analyst, ain_al_asad
):
    militia, coalition = ActorFactory(name="Militia"), ActorFactory(name="Coalition")
    report = SourceFactory(title="Five rockets near Ain al-Asad")

    response = analyst_client.post(
        ADD_URL,
        incident_form_data(
            ain_al_asad,
            munition_count=5,
            fatalities_best=0,
            actors=[
                {"actor": militia.pk, "role": "perpetrator", "attribution": "alleged"},
                {"actor": coalition.pk, "role": "target", "attribution": "confirmed"},
            ],
            citations=[
                {
                    "source": report.pk,
                    "quote": "Five rockets landed near Ain al-Asad airbase.",
                    "locator": "paragraph 4",
                    "supports": ["place", "munitions"],
                    "stance": "supports",
                }
            ],
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    incident = Incident.objects.get()
    assert incident.public_id == "IRQ-2022-00001"
    assert incident.date_end == incident.date_start
    assert incident.munition_count == 5
    assert incident.fatalities_best == 0
    assert incident.fatalities_high is None
    assert incident.created_by == analyst
    assert incident.updated_by == analyst
    roles = {(p.actor.name, p.role, p.attribution) for p in incident.participants.all()}
    assert roles == {("Militia", "perpetrator", "alleged"), ("Coalition", "target", "confirmed")}
    citation = incident.citations.get()
    assert citation.source == report
    assert citation.quote == "Five rockets landed near Ain al-Asad airbase."
    assert citation.supports == ["place", "munitions"]


def test_invalid_incident_is_refused_with_messages_on_the_fields(analyst_client, ain_al_asad):
    response = analyst_client.post(
        ADD_URL,
        incident_form_data(
            ain_al_asad,
            date_start="2022-01-05",
            date_end="2022-01-04",
            event_type="Battles",
            sub_event_type="Air/drone strike",
            fatalities_low=5,
            fatalities_best=3,
            fatalities_high=4,
        ),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["date_end"] == ["The end date cannot be before the start date."]
    assert errors["sub_event_type"] == ["The sub-event type does not belong to the event type."]
    assert errors["fatalities_low"] == [
        "The low fatality estimate cannot exceed the best estimate."
    ]
    assert not Incident.objects.exists()


def test_add_form_offers_autocomplete_for_location_actors_and_sources(analyst_client):
    page = analyst_client.get(ADD_URL).content.decode()

    for field in (
        "location",
        "origin_location",
        "participants-__prefix__-actor",
        "citations-__prefix__-source",
    ):
        assert f'name="{field}"' in page
    assert page.count("admin-autocomplete") >= 4


def test_autocomplete_finds_actors_by_alias(analyst_client):
    ActorFactory(name="Syrian Democratic Forces", aliases="SDF\nQSD")

    response = analyst_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "QSD",
            "app_label": "incidents",
            "model_name": "incidentactor",
            "field_name": "actor",
        },
    )

    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["Syrian Democratic Forces"]


def test_relating_an_incident_to_itself_is_a_form_error(editor_client):
    from tests.factories import IncidentFactory
    from tests.incidents.admin_forms import change_form_data

    incident = IncidentFactory(status="draft")
    data = change_form_data(incident)
    data.update(
        {
            "relations_from-TOTAL_FORMS": "1",
            "relations_from-0-to_incident": str(incident.pk),
            "relations_from-0-kind": "same event as",
        }
    )

    response = editor_client.post(
        reverse("admin:incidents_incident_change", args=[incident.pk]), data
    )

    assert response.status_code == 200
    assert "An incident cannot be related to itself." in response.content.decode()
