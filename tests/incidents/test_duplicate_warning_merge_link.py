"""The warning on saving a likely duplicate leads to the merge desk for the pair, for those who
can merge them, and says what to do instead for the others."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.messages import WARNING
from django.urls import reverse

from tests.factories import IncidentFactory
from tests.incidents.admin_forms import change_form_data


def second_report_of(drones, **fields):
    """Another record of the seed's Baghdad airport drones, saved before anyone noticed."""
    return IncidentFactory(
        title="Drones over Baghdad airport",
        date_start=dt.date(2022, 1, 4),
        location=drones.location,
        event_type=drones.event_type,
        sub_event_type=drones.sub_event_type,
        geo_precision=1,
        outcome="unknown",
        damage="unknown",
        **fields,
    )


def saved_with_warning(client, incident) -> str:
    change_url = reverse("admin:incidents_incident_change", args=[incident.pk])
    response = client.post(change_url, change_form_data(incident), follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    [warning] = [str(m) for m in response.context["messages"] if m.level == WARNING]
    return warning


def test_an_editor_is_led_to_the_merge_desk_with_the_pair_chosen(editor_client, seeded):
    drones = seeded["5"]
    report = second_report_of(drones)

    warning = saved_with_warning(editor_client, report)

    merge_url = reverse("admin:incidents_incident_merge", args=[report.pk])
    link = f"{merge_url}?into={drones.public_id}"
    assert f'<a href="{link}">merge into it…</a>' in warning
    assert "merge this record into it" in warning
    desk = editor_client.get(link).content.decode()
    [chosen] = re.findall(r'<input type="radio" name="candidate" value="(\d+)"[^>]* checked', desk)
    assert chosen == str(drones.pk)


def test_the_merge_desk_writes_a_proposed_record_it_does_not_offer_in_the_box(
    editor_client, seeded
):
    drones, elsewhere = seeded["5"], seeded["1"]

    merge_url = reverse("admin:incidents_incident_merge", args=[drones.pk])
    desk = editor_client.get(merge_url, {"into": elsewhere.public_id}).content.decode()

    assert f'name="into" value="{elsewhere.public_id}"' in desk


def test_an_analyst_saving_a_draft_is_told_to_add_the_sources_there(analyst_client, seeded):
    drones = seeded["5"]
    report = second_report_of(drones, status="draft")

    warning = saved_with_warning(analyst_client, report)

    assert "/merge/" not in warning
    assert "add this record&#x27;s sources there instead" in warning
    assert f"({report.public_id} is draft; only a published record is merged)" in warning


def test_an_analyst_saving_a_published_record_is_told_an_editor_merges(analyst_client, seeded):
    report = second_report_of(seeded["5"])

    warning = saved_with_warning(analyst_client, report)

    assert "/merge/" not in warning
    assert "an editor can merge this record into it" in warning
