"""The incident form's duplicate panel: the likely duplicates of what the form describes,
before it is saved, and "not the same event" remembered for good."""

from __future__ import annotations

import pytest
from django.contrib.messages import WARNING
from django.test import Client
from django.urls import reverse

from incidents.models import Incident, NotDuplicate
from tests.incidents.admin_forms import change_form_data, incident_form_data

ADD_URL = reverse("admin:incidents_incident_add")
CANDIDATES_URL = reverse("admin:incidents_incident_candidates")


def drones_query(drones, **changes) -> dict:
    """The panel's question for a report of the seed's Baghdad airport drones."""
    return {
        "date_start": "2022-01-04",
        "date_end": "",
        "location": drones.location_id,
        "event_type": drones.event_type,
        **changes,
    }


def candidate_ids(client, query: dict) -> list[str]:
    response = client.get(CANDIDATES_URL, query)
    assert response.status_code == 200, response.content
    return [candidate["public_id"] for candidate in response.json()["candidates"]]


def warnings_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level == WARNING]


def new_report_of_the_drones(drones, **fields) -> dict:
    return incident_form_data(
        drones.location,
        title="Drones downed over Baghdad airport",
        date_start="2022-01-04",
        event_type=drones.event_type,
        sub_event_type=drones.sub_event_type,
        **fields,
    )


def test_the_panel_finds_a_near_duplicate_with_what_an_analyst_needs(analyst_client, seeded):
    drones = seeded["5"]

    response = analyst_client.get(CANDIDATES_URL, drones_query(drones))

    [candidate] = response.json()["candidates"]
    assert candidate == {
        "id": drones.pk,
        "public_id": drones.public_id,
        "title": drones.title,
        "dates": "2022-01-03",
        "place": "Baghdad International Airport",
        "status": "published",
        "url": reverse("admin:incidents_incident_change", args=[drones.pk]),
    }


@pytest.mark.parametrize(
    "different",
    [
        {"date_start": "2022-01-05"},  # two days after the drones
        {"event_type": "Explosions/Remote violence"},
    ],
)
def test_the_panel_leaves_out_a_different_event(analyst_client, seeded, different):
    assert candidate_ids(analyst_client, drones_query(seeded["5"], **different)) == []


def test_the_panel_leaves_out_the_record_being_changed(editor_client, seeded):
    drones = seeded["5"]

    assert candidate_ids(editor_client, drones_query(drones, incident=drones.pk)) == []


@pytest.mark.parametrize(
    ("bad", "parameter"),
    [
        ({"date_start": "4 January"}, "date_start"),
        ({"location": "Baghdad"}, "location"),
        ({"event_type": "Rockets"}, "event_type"),
        ({"incident": "new"}, "incident"),
    ],
)
def test_a_value_the_panel_cannot_read_is_a_400_naming_it(analyst_client, seeded, bad, parameter):
    response = analyst_client.get(CANDIDATES_URL, drones_query(seeded["5"], **bad))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_the_panel_answers_in_a_fixed_number_of_queries(
    analyst_client, seeded, django_assert_num_queries
):
    # The request's savepoint and its release, the session, the user, the user's own and
    # group permissions, the place, the candidates (with the nearby places, the links and the
    # "not the same event" pairs as subqueries).
    with django_assert_num_queries(8):
        analyst_client.get(CANDIDATES_URL, drones_query(seeded["5"], incident=seeded["1"].pk))


def test_the_panel_is_for_those_who_enter_incidents(seeded, analyst, editor, researcher):
    query = drones_query(seeded["5"])
    for user in (analyst, editor):
        client = Client()
        client.force_login(user)
        assert client.get(CANDIDATES_URL, query).status_code == 200

    signed_in_researcher = Client()
    signed_in_researcher.force_login(researcher)
    for client in (Client(), signed_in_researcher):
        response = client.get(CANDIDATES_URL, query)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_not_the_same_event_on_a_new_record_is_remembered(
    analyst, analyst_client, editor_client, seeded
):
    drones = seeded["5"]

    saved = analyst_client.post(
        ADD_URL, new_report_of_the_drones(drones, not_duplicates=drones.pk), follow=True
    )

    report = Incident.objects.get(title="Drones downed over Baghdad airport")
    assert warnings_of(saved) == []
    decision = NotDuplicate.objects.get()
    assert {decision.first, decision.second} == {report, drones}
    assert decision.decided_by == analyst
    # Not in the panel of the record, nor on a later save by someone else.
    assert candidate_ids(editor_client, drones_query(drones, incident=report.pk)) == []
    change_url = reverse("admin:incidents_incident_change", args=[report.pk])
    later = editor_client.post(change_url, change_form_data(report, summary="Two."), follow=True)
    assert warnings_of(later) == []
    # Another new report of the same drones is still told about both.
    assert set(candidate_ids(editor_client, drones_query(drones))) == {
        drones.public_id,
        report.public_id,
    }


def test_the_warning_on_save_stays_until_someone_decides(analyst_client, editor_client, seeded):
    drones = seeded["5"]
    added = analyst_client.post(ADD_URL, new_report_of_the_drones(drones), follow=True)
    report = Incident.objects.get(title="Drones downed over Baghdad airport")
    change_url = reverse("admin:incidents_incident_change", args=[report.pk])

    undecided = analyst_client.post(change_url, change_form_data(report), follow=True)
    report.refresh_from_db()
    decided = editor_client.post(
        change_url, change_form_data(report, not_duplicates=drones.pk), follow=True
    )
    report.refresh_from_db()
    after = analyst_client.post(change_url, change_form_data(report), follow=True)

    for warned in (added, undecided):
        assert [drones.public_id in warning for warning in warnings_of(warned)] == [True]
    assert warnings_of(decided) == warnings_of(after) == []
    assert NotDuplicate.objects.count() == 1


def test_a_decision_is_recorded_once_whoever_repeats_it(analyst, editor, seeded):
    drones, other = seeded["5"], seeded["1"]

    NotDuplicate.record(other, [drones.pk], user=analyst)
    NotDuplicate.record(drones, [other.pk, drones.pk], user=editor)

    assert NotDuplicate.objects.get().decided_by == analyst


def test_an_unknown_id_in_the_form_is_a_form_error(analyst_client, seeded):
    response = analyst_client.post(
        ADD_URL, new_report_of_the_drones(seeded["5"], not_duplicates="5; drop table")
    )

    assert response.status_code == 200
    assert "Not a list of incident ids." in response.content.decode()
    assert not Incident.objects.filter(title="Drones downed over Baghdad airport").exists()
