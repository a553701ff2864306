from __future__ import annotations

import pytest
from django.contrib.messages import WARNING
from django.urls import reverse

from geo.models import Location
from incidents.duplicates import likely_duplicates
from incidents.models import Incident, IncidentRelation
from tests.factories import IncidentFactory, LocationFactory
from tests.incidents.admin_forms import incident_form_data

ADD_URL = reverse("admin:incidents_incident_add")


def warnings_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level == WARNING]


def test_near_duplicate_is_saved_with_a_warning_linking_the_candidate(analyst_client, seeded):
    green_village = seeded["1"]
    nearby = Location.objects.create(
        name="Green Village gate",
        kind="military base",
        latitude=35.075,
        longitude=40.56,
        country="SYR",
    )

    response = analyst_client.post(
        ADD_URL,
        incident_form_data(
            nearby,
            title="Mortar fire on coalition base in Deir ez-Zor",
            date_start="2022-01-06",
            event_type=green_village.event_type,
            sub_event_type=green_village.sub_event_type,
        ),
        follow=True,
    )

    assert Incident.objects.filter(title="Mortar fire on coalition base in Deir ez-Zor").exists()
    [warning] = warnings_of(response)
    assert "Possible duplicate" in warning
    assert green_village.public_id in warning
    change_url = reverse("admin:incidents_incident_change", args=[green_village.pk])
    assert f'href="{change_url}"' in warning


def test_ap_rocket_strike_on_baghdad_airport_is_not_flagged_as_the_drones(analyst_client, seeded):
    # AP reported rockets hitting a base at Baghdad airport on 2022-01-05: two days after the
    # drones, and a different kind of event.
    baghdad_airport = seeded["5"].location

    response = analyst_client.post(
        ADD_URL,
        incident_form_data(
            baghdad_airport,
            title="Rockets strike base at Baghdad airport",
            date_start="2022-01-05",
            event_type="Explosions/Remote violence",
            sub_event_type="Shelling/artillery/missile attack",
        ),
        follow=True,
    )

    assert Incident.objects.filter(title="Rockets strike base at Baghdad airport").exists()
    assert warnings_of(response) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, True),
        ({"date_start": "2022-01-05"}, False),  # two days after the drones
        ({"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"}, False),
        ({"place": (33.40, 44.2344)}, False),  # about 15 km away
    ],
)
def test_duplicate_needs_same_type_within_a_day_and_10_km(analyst_client, seeded, change, expected):
    drones = seeded["5"]
    latitude, longitude = change.pop("place", (33.27, 44.24))
    place = Location.objects.create(
        name="Airport road", kind="area", latitude=latitude, longitude=longitude, country="IRQ"
    )
    fields = {
        "date_start": "2022-01-04",
        "event_type": drones.event_type,
        "sub_event_type": drones.sub_event_type,
        **change,
    }

    response = analyst_client.post(ADD_URL, incident_form_data(place, **fields), follow=True)

    assert any(drones.public_id in w for w in warnings_of(response)) is expected


def test_linked_incidents_are_not_flagged(db):
    place = LocationFactory()
    attack, response = IncidentFactory(location=place), IncidentFactory(location=place)
    assert likely_duplicates(response) == [attack]

    IncidentRelation.objects.create(from_incident=response, to_incident=attack, kind="response to")

    assert likely_duplicates(response) == []
    assert likely_duplicates(attack) == []


def test_retracted_incidents_are_not_flagged(db):
    place = LocationFactory()
    IncidentFactory(location=place, status="retracted")

    assert likely_duplicates(IncidentFactory(location=place)) == []
