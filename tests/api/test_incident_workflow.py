"""The workflow and optimistic locking through the API: statuses, retraction, ETag/If-Match."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from rest_framework.test import APIClient

from incidents.models import Incident
from incidents.taxonomy import Status
from incidents.workflow import TRANSITIONS
from tests.factories import IncidentFactory, UserFactory
from tests.incidents.test_workflow import ALLOWED_MOVES, STATUSES

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"


def client_for(role: str, name: str = "") -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(username=name or f"{role}-api", role=role))
    return client


def if_match(incident: Incident) -> dict[str, str]:
    incident.refresh_from_db()
    return {"HTTP_IF_MATCH": incident.etag}


def detail(incident: Incident) -> str:
    return f"{URL}{incident.public_id}/"


@pytest.mark.parametrize("role", ["analyst", "editor"])
@pytest.mark.parametrize(("current", "new"), list(itertools.permutations(STATUSES, 2)))
def test_role_and_transition_matrix_in_the_api(role, current, new):
    incident = IncidentFactory(status=current)
    move = TRANSITIONS.get((current, new))
    texts = {move.needs: "Which base? Misdated?"} if move and move.needs else {}

    response = client_for(role).patch(
        detail(incident), {"status": new, **texts}, format="json", **if_match(incident)
    )

    incident.refresh_from_db()
    if (current, new) in ALLOWED_MOVES[role]:
        assert response.status_code == 200, response.json()
        assert incident.status == new
    else:
        assert response.status_code == 400
        assert "status" in response.json()
        assert incident.status == current


def test_sending_back_through_the_api_needs_a_comment():
    incident = IncidentFactory(status=Status.IN_REVIEW)

    response = client_for("editor").patch(
        detail(incident), {"status": "draft"}, format="json", **if_match(incident)
    )

    assert response.status_code == 400
    assert response.json() == {
        "review_note": ["Write a comment for the author when sending a record back."]
    }


def test_review_comments_are_not_shown_to_the_public():
    incident = IncidentFactory(status=Status.PUBLISHED, review_note="Check the date again.")

    public = APIClient().get(detail(incident)).json()
    staff = client_for("analyst").get(detail(incident)).json()

    assert "review_note" not in public
    assert staff["review_note"] == "Check the date again."


def test_delete_of_a_published_incident_retracts_it_and_sync_clients_learn_of_it():
    incident = IncidentFactory(status=Status.PUBLISHED)
    before = timezone.now() - dt.timedelta(seconds=1)

    response = client_for("editor").delete(
        detail(incident),
        {"reason": "The report described the 4 January attack."},
        format="json",
        **if_match(incident),
    )

    assert response.status_code == 200
    incident.refresh_from_db()
    assert incident.status == "retracted"
    public = APIClient()
    shown = public.get(detail(incident)).json()
    assert shown["status"] == "retracted"
    assert shown["retraction_reason"] == "The report described the 4 January attack."
    # The README's sync recipe; a list without `status` holds events in force only.
    since = before.isoformat()
    synced = public.get(URL, {"updated_since": since, "status": "published,retracted"}).json()
    listed = public.get(URL, {"updated_since": since}).json()
    assert [row["public_id"] for row in synced["results"]] == [incident.public_id]
    assert listed["results"] == []


def test_delete_of_a_published_incident_needs_a_reason():
    incident = IncidentFactory(status=Status.PUBLISHED)

    response = client_for("editor").delete(detail(incident), **if_match(incident))

    assert response.status_code == 400
    assert "reason" in response.json()
    incident.refresh_from_db()
    assert incident.status == "published"


def test_reason_may_be_given_as_a_query_parameter():
    incident = IncidentFactory(status=Status.PUBLISHED)

    response = client_for("editor").delete(
        f"{detail(incident)}?reason=Duplicate+report", **if_match(incident)
    )

    assert response.status_code == 200
    incident.refresh_from_db()
    assert incident.retraction_reason == "Duplicate report"


def test_delete_of_a_draft_deletes_it_and_of_a_retraction_is_a_conflict():
    draft = IncidentFactory(status=Status.DRAFT)
    retracted = IncidentFactory(status=Status.RETRACTED)
    editor = client_for("editor")

    deleted = editor.delete(detail(draft), **if_match(draft))
    again = editor.delete(detail(retracted), **if_match(retracted))

    assert deleted.status_code == 204
    assert not Incident.objects.filter(pk=draft.pk).exists()
    assert again.status_code == 409
    assert Incident.objects.filter(pk=retracted.pk, status="retracted").exists()


def test_analyst_cannot_delete_or_retract():
    incident = IncidentFactory(status=Status.PUBLISHED)

    response = client_for("analyst").delete(
        detail(incident), {"reason": "Wrong."}, format="json", **if_match(incident)
    )

    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == "published"


def test_detail_carries_an_etag_that_changes_with_each_save():
    incident = IncidentFactory(status=Status.DRAFT)
    client = client_for("analyst")

    first = client.get(detail(incident))
    patched = client.patch(
        detail(incident), {"title": "Five rockets"}, format="json", HTTP_IF_MATCH=first["ETag"]
    )
    second = client.get(detail(incident))

    assert first["ETag"] == f'"{incident.public_id}.1"'
    assert patched["ETag"] == second["ETag"] == f'"{incident.public_id}.2"'
    assert second.json()["version"] == 2


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_writes_without_if_match_are_refused_with_428(method):
    incident = IncidentFactory(status=Status.DRAFT, title="As entered")
    client = client_for("editor")
    body = client.get(detail(incident)).json() | {
        "title": "Changed",
        "location": incident.location_id,
    }

    response = getattr(client, method)(detail(incident), body, format="json")

    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    incident.refresh_from_db()
    assert incident.title == "As entered"


def test_two_clients_with_the_same_etag_one_wins_the_other_gets_412():
    incident = IncidentFactory(status=Status.DRAFT, title="As entered")
    alice, bob = client_for("analyst", "alice"), client_for("analyst", "bob")
    etag = alice.get(detail(incident))["ETag"]
    assert bob.get(detail(incident))["ETag"] == etag

    first = alice.patch(detail(incident), {"title": "Alice's"}, format="json", HTTP_IF_MATCH=etag)
    second = bob.patch(detail(incident), {"title": "Bob's"}, format="json", HTTP_IF_MATCH=etag)

    assert first.status_code == 200
    assert second.status_code == 412
    assert "alice" in second.json()["detail"]
    incident.refresh_from_db()
    assert incident.title == "Alice's"


def test_a_weak_or_foreign_etag_does_not_match_but_star_does():
    incident = IncidentFactory(status=Status.DRAFT)
    client = client_for("analyst")

    weak = client.patch(
        detail(incident), {"title": "A"}, format="json", HTTP_IF_MATCH=f"W/{incident.etag}"
    )
    other = client.patch(detail(incident), {"title": "B"}, format="json", HTTP_IF_MATCH='"x.1"')
    star = client.patch(detail(incident), {"title": "C"}, format="json", HTTP_IF_MATCH="*")

    assert (weak.status_code, other.status_code, star.status_code) == (412, 412, 200)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one write at a time anyway"
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_patches_with_the_same_etag_cannot_both_succeed():
    incident = IncidentFactory(status=Status.DRAFT)
    writers = [UserFactory(username=f"writer{n}", role="analyst") for n in range(2)]
    start = threading.Barrier(len(writers))
    statuses = []

    def patch(user, title: str) -> None:
        client = APIClient()
        client.force_authenticate(user)
        start.wait()
        response = client.patch(
            detail(incident), {"title": title}, format="json", HTTP_IF_MATCH=incident.etag
        )
        statuses.append(response.status_code)
        connections.close_all()

    threads = [
        threading.Thread(target=patch, args=(user, f"By {user.username}")) for user in writers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 412]
    incident.refresh_from_db()
    assert incident.version == 2


def test_only_editors_write_the_retraction_notice_and_review_comments():
    incident = IncidentFactory(status=Status.RETRACTED)

    response = client_for("analyst").patch(
        detail(incident),
        {"retraction_reason": "Nothing wrong."},
        format="json",
        **if_match(incident),
    )

    assert response.status_code == 400
    assert response.json() == {"retraction_reason": ["Only editors write this."]}
    incident.refresh_from_db()
    assert incident.retraction_reason == "Reported in error."


@pytest.mark.parametrize("reason", [{"x": 1}, ["a", "b"], 7])
def test_a_retraction_reason_must_be_text(reason):
    incident = IncidentFactory(status=Status.PUBLISHED)

    response = client_for("editor").delete(
        detail(incident), {"reason": reason}, format="json", **if_match(incident)
    )

    assert response.status_code == 400
    assert "reason" in response.json()


def test_the_api_representation_carries_permalink_citation_and_independent_sources(
    seeded, settings
):
    settings.TESSERA_BASE_URL = "https://tessera.example.org"

    shown = APIClient().get(f"{URL}SYR-2022-00001/").json()

    assert shown["permalink"] == "https://tessera.example.org/incidents/SYR-2022-00001/"
    assert "SYR-2022-00001" in shown["citation"]
    assert shown["citation"].startswith("Tessera. “Eight rounds of indirect fire")
    assert shown["independent_sources"] == 1
    assert shown["version"] == 1
