from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.models import Incident
from tests.factories import IncidentFactory, LocationFactory
from tests.incidents.admin_forms import change_form_data, incident_form_data

ADD_URL = reverse("admin:incidents_incident_add")


def change_url(incident: Incident) -> str:
    return reverse("admin:incidents_incident_change", args=[incident.pk])


@pytest.mark.parametrize("status", ["published", "retracted"])
def test_analyst_cannot_create_a_public_incident(analyst_client, status):
    response = analyst_client.post(ADD_URL, incident_form_data(LocationFactory(), status=status))

    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Incident.objects.exists()


def test_analyst_can_submit_for_review(analyst_client):
    draft = IncidentFactory(status="draft")

    response = analyst_client.post(change_url(draft), change_form_data(draft, status="in review"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "in review"


def test_analyst_cannot_publish_a_draft(analyst_client):
    draft = IncidentFactory(status="in review")

    response = analyst_client.post(change_url(draft), change_form_data(draft, status="published"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"] == [
        "Only editors can publish or retract incidents."
    ]
    draft.refresh_from_db()
    assert draft.status == "in review"


def test_analyst_is_not_offered_public_statuses(analyst_client):
    draft = IncidentFactory(status="draft")

    form = analyst_client.get(change_url(draft)).context["adminform"].form

    assert [value for value, _ in form.fields["status"].widget.choices] == ["draft", "in review"]


def test_analyst_can_correct_a_published_incident_without_unpublishing_it(analyst_client):
    published = IncidentFactory(status="published")

    kept = analyst_client.post(
        change_url(published), change_form_data(published, title="Corrected title")
    )
    unpublished = analyst_client.post(
        change_url(published), change_form_data(published, status="draft")
    )

    assert kept.status_code == 302
    assert unpublished.status_code == 200
    published.refresh_from_db()
    assert (published.title, published.status) == ("Corrected title", "published")


def test_analyst_cannot_delete_incidents(analyst_client):
    incident = IncidentFactory()

    response = analyst_client.post(
        reverse("admin:incidents_incident_delete", args=[incident.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Incident.objects.filter(pk=incident.pk).exists()


@pytest.mark.parametrize("status", ["published", "retracted"])
def test_editor_can_publish_and_retract(editor_client, status):
    draft = IncidentFactory(status="in review")

    response = editor_client.post(change_url(draft), change_form_data(draft, status=status))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == status


def test_researcher_cannot_use_the_admin(researcher):
    from django.test import Client

    client = Client()
    client.force_login(researcher)

    response = client.get(reverse("admin:incidents_incident_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
