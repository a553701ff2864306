"""The editorial workflow in the admin: who may move a record from which status to which."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from incidents.models import Incident
from incidents.taxonomy import Status
from tests.factories import IncidentFactory, LocationFactory
from tests.incidents.admin_forms import change_form_data, incident_form_data

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:incidents_incident_add")
CHANGELIST_URL = reverse("admin:incidents_incident_changelist")
STATUSES = [Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.RETRACTED]

# Every move each role may make; every other move between two statuses is refused.
ALLOWED_MOVES = {
    "analyst": {(Status.DRAFT, Status.IN_REVIEW)},
    "editor": {
        (Status.DRAFT, Status.IN_REVIEW),
        (Status.IN_REVIEW, Status.DRAFT),
        (Status.DRAFT, Status.PUBLISHED),
        (Status.IN_REVIEW, Status.PUBLISHED),
        (Status.PUBLISHED, Status.RETRACTED),
        (Status.RETRACTED, Status.PUBLISHED),
    },
}
ALLOWED_NEW = {
    "analyst": {Status.DRAFT, Status.IN_REVIEW},
    # An editor publishes a saved record, with the confirmation of "Publish…".
    "editor": {Status.DRAFT, Status.IN_REVIEW},
}


def change_url(incident: Incident) -> str:
    return reverse("admin:incidents_incident_change", args=[incident.pk])


def with_texts(**fields) -> dict:
    """The comment or reason a move needs, so that only the role decides."""
    return {"review_note": "Please add the second source.", "retraction_reason": "Misdated."} | (
        fields
    )


def move_url(incident: Incident, new: str) -> str:
    return reverse("admin:incidents_incident_move", args=[incident.pk, new.replace(" ", "-")])


def confirm_move(client: Client, incident: Incident, new: str, **data: str):
    """Press the change form's button for the move and confirm it, as an editor would."""
    if new == Status.RETRACTED:
        url = reverse("admin:incidents_incident_retract", args=[incident.pk])
        return client.post(url, {"reason": "Misdated."} | data)
    return client.post(
        move_url(incident, new), {"confirm": "1", "comment": "Please add the second source."} | data
    )


@pytest.mark.parametrize("role", ["analyst", "editor"])
@pytest.mark.parametrize(("current", "new"), list(itertools.permutations(STATUSES, 2)))
def test_role_and_transition_matrix_in_the_admin(role, current, new, request):
    client = request.getfixturevalue(f"{role}_client")
    incident = IncidentFactory(status=current)

    response = confirm_move(client, incident, new)

    incident.refresh_from_db()
    assert incident.status == (new if (current, new) in ALLOWED_MOVES[role] else current)
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("role", ["analyst", "editor"])
def test_the_status_of_a_saved_record_is_not_changed_by_its_form(role, request):
    client = request.getfixturevalue(f"{role}_client")
    incident = IncidentFactory(status=Status.IN_REVIEW)

    page = client.get(change_url(incident))
    response = client.post(
        change_url(incident), change_form_data(incident, **with_texts(status="published"))
    )

    assert 'name="status"' not in page.content.decode()
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Status.IN_REVIEW


@pytest.mark.parametrize("role", ["analyst", "editor"])
@pytest.mark.parametrize("status", STATUSES)
def test_role_and_status_of_a_new_record_in_the_admin(role, status, request):
    client = request.getfixturevalue(f"{role}_client")

    response = client.post(
        ADD_URL, incident_form_data(LocationFactory(), **with_texts(status=status))
    )

    if status in ALLOWED_NEW[role]:
        assert response.status_code == 302
        assert Incident.objects.get().status == status
    else:
        assert response.status_code == 200
        assert "status" in response.context["adminform"].form.errors
        assert not Incident.objects.exists()


def test_sending_back_needs_a_comment_for_the_author(editor_client):
    incident = IncidentFactory(status=Status.IN_REVIEW)

    silent = confirm_move(editor_client, incident, Status.DRAFT, comment="")
    commented = confirm_move(
        editor_client, incident, Status.DRAFT, comment="Which base? Two are named."
    )

    assert silent.status_code == 200
    assert silent.context["form"].errors["comment"] == [
        "Write a comment for the author when sending a record back."
    ]
    assert commented.status_code == 302
    incident.refresh_from_db()
    assert (incident.status, incident.review_note) == ("draft", "Which base? Two are named.")


def test_retracting_needs_a_reason(editor_client):
    incident = IncidentFactory(status=Status.PUBLISHED)

    response = confirm_move(editor_client, incident, Status.RETRACTED, reason="")

    assert response.context["form"].errors["reason"] == ["This field is required."]
    incident.refresh_from_db()
    assert incident.status == "published"


def test_analyst_is_offered_only_the_moves_they_may_make(analyst_client, editor_client):
    def buttons(client, status):
        page = client.get(change_url(IncidentFactory(status=status)))
        return [button["label"] for button in page.context["review_buttons"]]

    assert buttons(analyst_client, Status.DRAFT) == ["Submit for review…"]
    assert buttons(analyst_client, Status.IN_REVIEW) == []
    assert buttons(analyst_client, Status.PUBLISHED) == []
    assert buttons(editor_client, Status.DRAFT) == ["Submit for review…", "Publish…"]
    assert buttons(editor_client, Status.IN_REVIEW) == ["Send back…", "Publish…"]
    assert buttons(editor_client, Status.PUBLISHED) == ["Retract…"]
    assert buttons(editor_client, Status.RETRACTED) == ["Reinstate…"]


def test_analyst_can_correct_a_published_incident_without_unpublishing_it(analyst_client):
    published = IncidentFactory(status="published")

    kept = analyst_client.post(
        change_url(published), change_form_data(published, title="Corrected title")
    )
    unpublished = confirm_move(analyst_client, published, Status.DRAFT)

    assert kept.status_code == 302
    assert unpublished.status_code == 302
    published.refresh_from_db()
    assert (published.title, published.status) == ("Corrected title", "published")


def run_action(client: Client, action: str, incidents, *, follow: bool = False, **extra):
    return client.post(
        CHANGELIST_URL,
        {"action": action, ACTION_CHECKBOX_NAME: [i.pk for i in incidents], **extra},
        follow=follow,
    )


def test_editor_publishes_a_selection_and_is_told_what_was_left(editor_client):
    ready = IncidentFactory.create_batch(2, status=Status.IN_REVIEW)
    retracted = IncidentFactory(status=Status.RETRACTED)

    asked = run_action(editor_client, "publish", [*ready, retracted])
    unchanged = set(Incident.objects.values_list("status", flat=True))
    response = run_action(editor_client, "publish", [*ready, retracted], follow=True, apply="1")

    assert unchanged == {"in review", "retracted"}
    assert {i.public_id for i in asked.context["moving"]} == {i.public_id for i in ready}
    assert [i.public_id for i in asked.context["left"]] == [retracted.public_id]

    assert [i.status for i in Incident.objects.filter(pk__in=[r.pk for r in ready])] == [
        "published",
        "published",
    ]
    retracted.refresh_from_db()
    assert retracted.status == "retracted"
    messages = [str(m) for m in response.context["messages"]]
    assert "Published 2 incidents." in messages
    assert any(retracted.public_id in m and m.startswith("Not published") for m in messages)


def test_editor_retracts_a_selection_after_giving_a_reason(editor_client):
    published = IncidentFactory.create_batch(2, status=Status.PUBLISHED)

    asked = run_action(editor_client, "retract", published)
    done = run_action(editor_client, "retract", published, apply="1", reason="Double-counted.")

    assert asked.status_code == 200
    assert "reason" in asked.context["form"].fields
    assert done.status_code == 302
    assert set(Incident.objects.values_list("status", "retraction_reason")) == {
        ("retracted", "Double-counted.")
    }


def test_analysts_have_no_publish_or_retract_actions(analyst_client, editor_client):
    def actions(client):
        return {
            value
            for value, _ in client.get(CHANGELIST_URL)
            .context["action_form"]
            .fields["action"]
            .choices
        }

    assert {"publish", "retract"} <= actions(editor_client)
    assert not {"publish", "retract", "delete_selected"} & actions(analyst_client)
    assert "submit_for_review" in actions(analyst_client)


def test_analyst_cannot_publish_through_the_action(analyst_client):
    incident = IncidentFactory(status=Status.IN_REVIEW)

    run_action(analyst_client, "publish", [incident], apply="1")

    incident.refresh_from_db()
    assert incident.status == Status.IN_REVIEW


def test_deleting_a_published_incident_in_the_admin_retracts_it(editor_client):
    incident = IncidentFactory(status=Status.PUBLISHED)
    delete_url = reverse("admin:incidents_incident_delete", args=[incident.pk])

    asked = editor_client.get(delete_url, follow=True)
    done = editor_client.post(
        reverse("admin:incidents_incident_retract", args=[incident.pk]),
        {"reason": "The sources describe the 4 January attack."},
    )

    assert asked.redirect_chain[-1][0] == reverse(
        "admin:incidents_incident_retract", args=[incident.pk]
    )
    assert done.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "retracted"
    assert incident.retraction_reason == "The sources describe the 4 January attack."


def test_a_draft_is_deleted_for_real_and_its_history_says_who(editor, editor_client):
    draft = IncidentFactory(status=Status.DRAFT)

    editor_client.post(reverse("admin:incidents_incident_delete", args=[draft.pk]), {"post": "yes"})

    assert not Incident.objects.filter(pk=draft.pk).exists()
    deleted = Incident.history.filter(id=draft.pk, history_type="-")
    assert [version.history_user for version in deleted] == [editor]


def test_analyst_cannot_delete_incidents(analyst_client):
    for incident in (IncidentFactory(status="published"), IncidentFactory(status="draft")):
        response = analyst_client.post(
            reverse("admin:incidents_incident_delete", args=[incident.pk]), {"post": "yes"}
        )

        assert response.status_code == 403
        assert Incident.objects.filter(pk=incident.pk).exists()


def test_researcher_cannot_use_the_admin(researcher):
    client = Client()
    client.force_login(researcher)

    response = client.get(CHANGELIST_URL)

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_analyst_submits_a_selection_for_review_after_seeing_the_list(analyst_client):
    drafts = IncidentFactory.create_batch(2, status=Status.DRAFT)
    published = IncidentFactory(status=Status.PUBLISHED)

    asked = run_action(analyst_client, "submit_for_review", [*drafts, published])
    unchanged = set(Incident.objects.values_list("status", flat=True))
    response = run_action(
        analyst_client, "submit_for_review", [*drafts, published], follow=True, apply="1"
    )

    assert unchanged == {"draft", "published"}
    page = asked.content.decode()
    assert "Submit 2 incidents?" in page
    assert all(draft.title in page for draft in drafts)
    assert f"{published.public_id}</a>: {published.title} (published)" in page
    assert 'value="Submit 2"' in page
    statuses = dict(Incident.objects.values_list("pk", "status"))
    assert [statuses[draft.pk] for draft in drafts] == ["in review", "in review"]
    assert statuses[published.pk] == "published"
    assert "Submitted 2 incidents." in [str(m) for m in response.context["messages"]]


def test_a_refused_move_names_only_the_moves_the_user_may_make(analyst_client, editor_client):
    def refusal(client):
        incident = IncidentFactory(status=Status.PUBLISHED)
        response = client.get(move_url(incident, "draft"), follow=True)
        return [str(message) for message in response.context["messages"]]

    assert refusal(editor_client) == [
        "A record that is published cannot become draft. It can become: retracted."
    ]
    assert refusal(analyst_client) == ["A record that is published cannot become draft."]
