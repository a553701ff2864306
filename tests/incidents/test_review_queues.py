"""The desk's queues and review buttons, through the admin pages as analysts and editors."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from incidents.models import Incident
from incidents.taxonomy import Status
from tests.factories import CitationFactory, IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:incidents_incident_changelist")
INDEX_URL = reverse("admin:index")


def listed(client: Client, **params: str) -> set[str]:
    page = client.get(LIST_URL, params)
    assert page.status_code == 200
    return {incident.public_id for incident in page.context["cl"].result_list}


def move_url(incident: Incident, to: str) -> str:
    return reverse("admin:incidents_incident_move", args=[incident.pk, to])


@pytest.fixture
def desk(analyst, editor):
    """An analyst's drafts (one sent back), a colleague's draft, records in review."""
    colleague = UserFactory(role="analyst")
    return {
        "mine": IncidentFactory(status=Status.DRAFT, created_by=analyst),
        "sent_back": IncidentFactory(
            status=Status.DRAFT, created_by=analyst, review_note="Which airport gate?"
        ),
        "theirs": IncidentFactory(status=Status.DRAFT, created_by=colleague),
        "in_review": IncidentFactory(status=Status.IN_REVIEW, created_by=analyst),
        "other_review": IncidentFactory(status=Status.IN_REVIEW, created_by=colleague),
        "published": IncidentFactory(status=Status.PUBLISHED, created_by=analyst),
    }


def ids(desk, *names: str) -> set[str]:
    return {desk[name].public_id for name in names}


def test_an_analyst_sees_their_drafts_and_what_was_sent_back_with_the_comment(analyst_client, desk):
    sent_back = analyst_client.get(LIST_URL, {"queue": "sent_back"}).content.decode()

    assert listed(analyst_client, queue="my_drafts") == ids(desk, "mine", "sent_back")
    assert listed(analyst_client, queue="sent_back") == ids(desk, "sent_back")
    assert "Editor&#x27;s comment" in sent_back  # the column's heading
    assert "Which airport gate?" in sent_back
    assert "Editor&#x27;s comment" not in analyst_client.get(LIST_URL).content.decode()


def test_an_analyst_has_no_review_queue(analyst_client, desk):
    page = analyst_client.get(LIST_URL, {"queue": "awaiting_review"}, follow=True)

    assert page.redirect_chain[-1][0].endswith("?e=1")
    messages = [str(message) for message in page.context["messages"]]
    assert any("awaiting_review" in message for message in messages)
    sidebar = analyst_client.get(LIST_URL).content.decode()
    assert "My drafts (2)" in sidebar and "Sent back to me (1)" in sidebar
    assert "Awaiting review" not in sidebar


def test_an_editor_reviews_from_the_awaiting_review_queue(editor_client, desk):
    assert listed(editor_client, queue="awaiting_review") == ids(desk, "in_review", "other_review")
    assert "Awaiting review (2)" in editor_client.get(LIST_URL).content.decode()


def test_the_admin_home_lists_each_users_queues_with_counts(analyst_client, editor_client, desk):
    analyst_home = analyst_client.get(INDEX_URL).content.decode()
    editor_home = editor_client.get(INDEX_URL).content.decode()

    assert f'href="{LIST_URL}?queue=sent_back">Sent back to me</a>' in analyst_home
    assert '<td class="queue-count">1</td>' in analyst_home
    assert "Awaiting review" not in analyst_home
    assert f'href="{LIST_URL}?queue=awaiting_review">Awaiting review</a>' in editor_home


def test_the_queue_stays_when_other_filters_are_chosen_and_clear_all_removes_it(
    analyst_client, desk
):
    assert listed(analyst_client, queue="my_drafts", status="in review") == set()
    page = analyst_client.get(LIST_URL, {"queue": "my_drafts"})
    assert "queue" not in page.context["cl"].clear_all_filters_qs


def test_publishing_asks_for_confirmation_showing_the_public_page(editor_client):
    incident = IncidentFactory(status=Status.IN_REVIEW, summary="Six rockets hit the apron.")
    CitationFactory(incident=incident, source__title="Rockets hit Baghdad airport")

    asked = editor_client.get(move_url(incident, "published"))
    incident.refresh_from_db()
    still = incident.status
    done = editor_client.post(move_url(incident, "published"), {"confirm": "1"})

    page = asked.content.decode()
    assert still == Status.IN_REVIEW
    assert "The public page will show" in page
    assert "Six rockets hit the apron." in page
    assert "Example Wire: Rockets hit Baghdad airport" in page
    assert done.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Status.PUBLISHED


def test_the_confirmation_is_a_post_with_a_csrf_token(editor):
    incident = IncidentFactory(status=Status.IN_REVIEW)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    page = client.get(move_url(incident, "published"))
    forged = client.post(move_url(incident, "published"), {"confirm": "1"})

    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert forged.status_code == 403
    incident.refresh_from_db()
    assert incident.status == Status.IN_REVIEW


def test_sent_back_record_reaches_its_author_with_the_comment(
    editor_client, analyst_client, analyst
):
    incident = IncidentFactory(status=Status.IN_REVIEW, created_by=analyst)

    editor_client.post(move_url(incident, "draft"), {"confirm": "1", "comment": "Two bases?"})

    assert listed(analyst_client, queue="sent_back") == {incident.public_id}
    assert "Two bases?" in analyst_client.get(LIST_URL, {"queue": "sent_back"}).content.decode()


def test_an_analyst_cannot_publish_through_the_move_page(analyst_client):
    incident = IncidentFactory(status=Status.IN_REVIEW)

    analyst_client.post(move_url(incident, "published"), {"confirm": "1"})

    incident.refresh_from_db()
    assert incident.status == Status.IN_REVIEW


def test_a_new_record_is_published_only_after_saving_it_and_confirming(editor_client):
    form = editor_client.get(reverse("admin:incidents_incident_add")).context["adminform"].form

    assert [value for value, _ in form.fields["status"].widget.choices] == ["draft", "in review"]
