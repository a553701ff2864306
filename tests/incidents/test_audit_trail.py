"""The audit trail: every write path leaves one version with its author; versions can be read
(admin and API), compared field by field, and reverted; concurrent admin edits are refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tokens import issue
from incidents.models import Citation, Incident, IncidentActor
from tests.factories import (
    ActorFactory,
    CitationFactory,
    IncidentFactory,
    LocationFactory,
    SourceFactory,
    UserFactory,
)
from tests.incidents.admin_forms import INLINE_PREFIXES, change_form_data, incident_form_data

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"


def change_url(incident: Incident) -> str:
    return reverse("admin:incidents_incident_change", args=[incident.pk])


def versions(incident: Incident) -> list[tuple[str, str | None]]:
    """(type, username) of each version, oldest first."""
    return [
        (record.history_type, record.history_user.username if record.history_user else None)
        for record in Incident.history.filter(id=incident.pk).order_by("history_id")
    ]


def token_client(user) -> APIClient:
    client = APIClient()
    _, secret = issue(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_admin_create_and_update_each_write_one_version_with_the_user(analyst, analyst_client):
    actor, source = ActorFactory(), SourceFactory()
    analyst_client.post(
        reverse("admin:incidents_incident_add"),
        incident_form_data(
            LocationFactory(),
            actors=[{"actor": actor.pk, "role": "perpetrator", "attribution": "alleged"}],
            citations=[{"source": source.pk, "quote": "Rockets hit.", "stance": "supports"}],
        ),
    )
    incident = Incident.objects.get()
    analyst_client.post(change_url(incident), change_form_data(incident, title="Eight rounds"))

    assert versions(incident) == [("+", analyst.username), ("~", analyst.username)]
    assert [r.history_user for r in IncidentActor.history.all()] == [analyst]
    assert [r.history_user for r in Citation.history.all()] == [analyst]


def test_api_create_update_and_delete_each_write_one_version_with_the_user():
    analyst, editor = UserFactory(role="analyst"), UserFactory(role="editor")
    writer = token_client(analyst)
    created = writer.post(
        URL,
        {
            "title": "Rockets near the base",
            "date_start": "2022-01-05",
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Shelling/artillery/missile attack",
            "date_precision": "day",
            "location": LocationFactory().pk,
            "geo_precision": 1,
            "confidence": "single source",
            "actors": [{"actor": ActorFactory().pk, "role": "target", "attribution": "confirmed"}],
        },
        format="json",
    )
    incident = Incident.objects.get(public_id=created.json()["public_id"])
    writer.patch(
        f"{URL}{incident.public_id}/",
        {"title": "Five rockets"},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    incident.refresh_from_db()
    token_client(editor).delete(f"{URL}{incident.public_id}/", HTTP_IF_MATCH=incident.etag)

    assert created.status_code == 201
    assert versions(incident) == [
        ("+", analyst.username),
        ("~", analyst.username),
        ("-", editor.username),
    ]
    assert [r.history_user for r in IncidentActor.history.order_by("history_id")] == [
        analyst,
        editor,
    ]


def test_history_api_lists_versions_newest_first_with_their_changes(editor):
    incident = IncidentFactory(status="published", title="Rockets", fatalities_best=None)
    incident.title, incident.fatalities_best = "Eight rounds", 0
    incident._history_user = editor
    incident.save()

    response = APIClient().get(f"{URL}{incident.public_id}/history/")

    assert response.status_code == 200
    newest, oldest = response.json()["results"]
    assert (newest["version"], newest["change"], newest["role"]) == (2, "changed", "editor")
    assert sorted(newest["changes"], key=lambda c: c["field"]) == [
        {"field": "fatalities_best", "old": None, "new": 0},
        {"field": "title", "old": "Rockets", "new": "Eight rounds"},
    ]
    assert (oldest["version"], oldest["change"], oldest["changes"]) == (1, "created", [])


def test_history_of_a_draft_is_not_public():
    draft = IncidentFactory(status="draft")

    assert APIClient().get(f"{URL}{draft.public_id}/history/").status_code == 404


def test_history_api_pages_through_thousands_of_versions_in_constant_queries():
    incident = IncidentFactory(status="published", injured=0)
    for count in range(1, 130):
        incident.injured = count
        incident.save()

    client = APIClient()
    pages, seen = [], []
    url = f"{URL}{incident.public_id}/history/?page_size=50"
    while url:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).json()
        pages.append(len(queries))
        seen += page["results"]
        url = page["next"]

    assert [entry["version"] for entry in seen] == list(range(130, 0, -1))
    # Each version's change is against the one before, also across page boundaries.
    assert all(
        entry["changes"]
        == [{"field": "injured", "old": entry["version"] - 2, "new": entry["version"] - 1}]
        for entry in seen[:-1]
    )
    assert len(set(pages)) == 1


def test_admin_history_page_shows_field_differences(editor, editor_client):
    incident = IncidentFactory(title="Rockets")
    incident.title = "Eight rounds"
    incident.save()

    page = editor_client.get(reverse("admin:incidents_incident_history", args=[incident.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Rockets" in text and "Eight rounds" in text
    assert "<strong>title:</strong>" in text.lower()
    # Every save raises the version and the time; listing them would hide the real change.
    assert "<strong>version:</strong>" not in text.lower()


def test_revert_restores_the_earlier_fields_and_keeps_the_status(editor_client):
    incident = IncidentFactory(status="published", title="Rockets", injured=None)
    first = incident.history.get()
    incident.title, incident.injured = "Wrong title", 3
    incident.save()

    form = change_form_data(incident)
    for key in [key for key in form if key.startswith(INLINE_PREFIXES)]:
        del form[key]
    opened = editor_client.get(
        reverse("admin:incidents_incident_simple_history", args=[incident.pk, first.pk])
    )
    form.update(
        title="Rockets",
        injured="",
        seen_version=opened.context["adminform"].form["seen_version"].value(),
    )
    response = editor_client.post(
        reverse("admin:incidents_incident_simple_history", args=[incident.pk, first.pk]), form
    )

    assert opened.context["adminform"].form["title"].value() == "Rockets"
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.title, incident.injured, incident.status) == ("Rockets", None, "published")
    assert incident.version == 3


def test_second_of_two_admin_sessions_editing_the_same_incident_is_refused(analyst):
    incident = IncidentFactory(title="Rockets")
    editor = UserFactory(username="vera", role="editor")
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(analyst)
    first_form = change_form_data(incident, title="Eight rounds of indirect fire")
    second_form = change_form_data(incident, title="Rockets at Green Village")

    saved = first.post(change_url(incident), first_form)
    refused = second.post(change_url(incident), second_form)

    assert saved.status_code == 302
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.non_field_errors()
    assert len(errors) == 1 and errors[0].startswith("vera saved this incident at")
    incident.refresh_from_db()
    assert incident.title == "Eight rounds of indirect fire"
    assert [version.title for version in incident.history.all()] == [
        "Eight rounds of indirect fire",
        "Rockets",
    ]


def test_the_public_page_links_to_the_history(client):
    incident = IncidentFactory(status="published")

    page = client.get(reverse("incident-page", args=[incident.public_id])).content.decode()

    assert f'href="/api/v1/incidents/{incident.public_id}/history/"' in page


def test_public_history_starts_at_publication_and_leaves_out_editors_comments(editor):
    incident = IncidentFactory(status="in review", summary="Informant Ahmed K. says so.")
    incident.status, incident.review_note = "draft", "Which base? Two are named."
    incident.save()
    incident.status, incident.summary = "published", "Rockets hit the base."
    incident.save()
    incident.title = "Five rockets hit the base"
    incident.save()

    public = APIClient().get(f"{URL}{incident.public_id}/history/").json()["results"]
    staff = APIClient()
    staff.force_authenticate(editor)
    seen = staff.get(f"{URL}{incident.public_id}/history/").json()["results"]

    assert [(entry["version"], entry["status"]) for entry in public] == [
        (4, "published"),
        (3, "published"),
    ]
    assert public[1]["changes"] == []
    assert [change["field"] for change in public[0]["changes"]] == ["title"]
    assert "Informant" not in str(public) and "review_note" not in str(public)
    assert [entry["version"] for entry in seen] == [4, 3, 2, 1]
    assert {"field": "review_note", "old": "", "new": "Which base? Two are named."} in (
        seen[2]["changes"]
    )


def revert_url(incident: Incident, version) -> str:
    return reverse("admin:incidents_incident_simple_history", args=[incident.pk, version.pk])


def test_revert_keeps_the_current_count_of_independent_sources(editor_client):
    incident = IncidentFactory(status="published", title="Rockets")
    first = incident.history.get()
    CitationFactory(incident=incident)
    CitationFactory(incident=incident)
    incident.refresh_from_db()
    assert incident.independent_sources == 2

    form = change_form_data(incident, title="Rockets")
    for key in [key for key in form if key.startswith(INLINE_PREFIXES)]:
        del form[key]
    editor_client.post(revert_url(incident, first), form)

    incident.refresh_from_db()
    assert incident.independent_sources == 2


def test_revert_form_shows_the_current_status_and_does_not_change_it(analyst_client):
    incident = IncidentFactory(status="draft")
    first = incident.history.get()
    incident.status = "in review"
    incident.save()

    page = analyst_client.get(revert_url(incident, first))

    # The review buttons move a record between statuses; a revert restores what it says.
    assert "status" not in page.context["adminform"].form.fields
    assert page.context["original"].status == "in review"


def test_versions_of_a_deleted_incident_cannot_be_reverted_to(editor_client):
    incident = IncidentFactory(status="draft")
    first = incident.history.get()
    url = revert_url(incident, first)
    incident.delete()

    assert editor_client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("model", "found_by"),
    [(Incident, {("id",)}), (IncidentActor, {("id",), ("incident_id",)})],
)
def test_versions_are_indexed_only_to_find_a_records_versions(model, found_by):
    """Every index costs every write, and an import writes a version of each record it
    touches: the versions keep the indexes that find a record's versions (and who changed
    what, when), not copies of the model's own."""
    table = model.history.model._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = {
        tuple(constraint["columns"])
        for constraint in constraints.values()
        if constraint["index"] and not constraint["primary_key"]
    }
    assert indexed == found_by | {("history_date",), ("history_user_id",)}
