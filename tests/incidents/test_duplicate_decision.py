""" "Not the same event" on a saved record: recorded at the click, by a POST of its own, for
whoever may change the record, and kept in the admin's log of the record."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from accounts.roles import RESEARCHER
from incidents.models import Incident, NotDuplicate
from tests.factories import UserFactory
from tests.incidents.test_duplicate_panel import candidate_ids, drones_query


def decide_url(incident) -> str:
    return reverse("admin:incidents_incident_not_duplicate", args=[incident.pk])


def test_the_change_form_tells_the_panel_where_to_record_a_decision(analyst_client, seeded):
    green_village = seeded["1"]

    page = analyst_client.get(
        reverse("admin:incidents_incident_change", args=[green_village.pk])
    ).content.decode()

    assert f'data-decide-url="{decide_url(green_village)}"' in page
    assert (
        "data-decide-url"
        not in analyst_client.get(reverse("admin:incidents_incident_add")).content.decode()
    )


def test_a_decision_is_recorded_at_once_and_the_pair_never_offered_again(
    analyst, analyst_client, seeded
):
    drones, green_village = seeded["5"], seeded["1"]

    response = analyst_client.post(decide_url(green_village), {"other": drones.pk})

    assert response.status_code == 200
    assert response.json() == {"not_duplicate": {"incident": green_village.pk, "other": drones.pk}}
    decision = NotDuplicate.objects.get()
    assert {decision.first, decision.second} == {green_village, drones}
    assert decision.decided_by == analyst
    [logged] = LogEntry.objects.filter(object_id=str(green_village.pk))
    assert logged.user == analyst
    assert logged.get_change_message() == f"Judged not the same event as {drones.public_id}."
    # The record is left as it was: only the decision is written.
    assert Incident.objects.get(pk=green_village.pk).version == green_village.version
    query = drones_query(drones, incident=green_village.pk)
    assert green_village.public_id not in candidate_ids(analyst_client, query)


def test_repeating_a_decision_records_it_once(analyst_client, editor_client, seeded):
    drones, green_village = seeded["5"], seeded["1"]

    analyst_client.post(decide_url(green_village), {"other": drones.pk})
    again = editor_client.post(decide_url(drones), {"other": green_village.pk})

    assert again.status_code == 200
    assert NotDuplicate.objects.count() == 1


def test_a_user_who_may_not_change_the_record_gets_a_403(seeded):
    drones, green_village = seeded["5"], seeded["1"]
    # Staff, so the admin lets them in, but with a researcher's read-only permissions.
    reader = UserFactory(username="reader", role=RESEARCHER)
    reader.is_staff = True
    reader.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(reader)

    response = client.post(decide_url(green_village), {"other": drones.pk})

    assert response.status_code == 403
    assert not NotDuplicate.objects.exists()


def test_signed_out_the_decision_leads_to_the_sign_in_page(seeded):
    response = Client().post(decide_url(seeded["1"]), {"other": seeded["5"].pk})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not NotDuplicate.objects.exists()


def test_a_decision_without_the_csrf_token_is_refused(analyst, seeded):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)

    response = client.post(decide_url(seeded["1"]), {"other": seeded["5"].pk})

    assert response.status_code == 403
    assert not NotDuplicate.objects.exists()


def test_only_a_post_records(analyst_client, seeded):
    response = analyst_client.get(decide_url(seeded["1"]), {"other": seeded["5"].pk})

    assert response.status_code == 405
    assert not NotDuplicate.objects.exists()


def test_a_candidate_that_cannot_be_read_is_a_400_naming_it(analyst_client, seeded):
    green_village = seeded["1"]
    for other in ("", "drones", "999999", str(green_village.pk)):
        response = analyst_client.post(decide_url(green_village), {"other": other})

        assert response.status_code == 400, other
        assert list(response.json()["errors"]) == ["other"]
    assert not NotDuplicate.objects.exists()


def test_an_unknown_record_is_a_404(analyst_client, seeded):
    response = analyst_client.post(
        reverse("admin:incidents_incident_not_duplicate", args=[999999]),
        {"other": seeded["5"].pk},
    )

    assert response.status_code == 404
