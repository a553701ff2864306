"""Every rule the database enforces, and the readable message validation gives for it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from incidents.models import Incident, IncidentActor, IncidentRelation
from tests.factories import ActorFactory, IncidentFactory

pytestmark = pytest.mark.django_db

# (bad values, field the message is shown on, message)
INCIDENT_RULES = [
    pytest.param(
        {"date_start": dt.date(2022, 1, 5), "date_end": dt.date(2022, 1, 4)},
        "date_end",
        "The end date cannot be before the start date.",
        id="date_end before date_start",
    ),
    pytest.param(
        {"event_type": "Battles", "sub_event_type": "Air/drone strike"},
        "sub_event_type",
        "The sub-event type does not belong to the event type.",
        id="sub-event type of another event type",
    ),
    pytest.param(
        {"event_type": "Explosions", "sub_event_type": "Air/drone strike"},
        "event_type",
        "Value 'Explosions' is not a valid choice.",
        id="unknown event type",
    ),
    pytest.param(
        {"fatalities_low": 5, "fatalities_best": 3, "fatalities_high": 6},
        "fatalities_low",
        "The low fatality estimate cannot exceed the best estimate.",
        id="low above best",
    ),
    pytest.param(
        {"fatalities_low": 1, "fatalities_best": 5, "fatalities_high": 3},
        "fatalities_high",
        "The best fatality estimate cannot exceed the high estimate.",
        id="best above high",
    ),
    pytest.param(
        {"fatalities_low": 5, "fatalities_best": None, "fatalities_high": 3},
        "fatalities_high",
        "The low fatality estimate cannot exceed the high estimate.",
        id="low above high, best unknown",
    ),
    pytest.param(
        {"fatalities_best": -1},
        "fatalities_best",
        "Ensure this value is greater than or equal to 0.",
        id="negative fatalities",
    ),
    pytest.param(
        {"injured": -2},
        "injured",
        "Ensure this value is greater than or equal to 0.",
        id="negative injured",
    ),
    pytest.param(
        {"munition_count": -8},
        "munition_count",
        "Ensure this value is greater than or equal to 0.",
        id="negative munition count",
    ),
    pytest.param(
        {"geo_precision": 9},
        "geo_precision",
        "Value 9 is not a valid choice.",
        id="geo precision outside 1-7",
    ),
    pytest.param(
        {"status": "secret"},
        "status",
        "Value 'secret' is not a valid choice.",
        id="unknown status",
    ),
    pytest.param(
        {"weapon": "slingshot"},
        "weapon",
        "Value 'slingshot' is not a valid choice.",
        id="unknown weapon",
    ),
]


@pytest.mark.parametrize(("values", "field", "message"), INCIDENT_RULES)
def test_database_rejects_bad_incident(values, field, message):
    incident = IncidentFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(**values)


@pytest.mark.parametrize(("values", "field", "message"), INCIDENT_RULES)
def test_validation_explains_bad_incident(values, field, message):
    incident = IncidentFactory()
    for name, value in values.items():
        setattr(incident, name, value)

    with pytest.raises(ValidationError) as caught:
        incident.full_clean()

    messages = caught.value.message_dict[field]
    assert any(text.startswith(message) for text in messages), messages


def test_public_ids_are_unique():
    first, second = IncidentFactory(), IncidentFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=second.pk).update(public_id=first.public_id)

    second.public_id = first.public_id
    with pytest.raises(ValidationError) as caught:
        second.full_clean()
    assert caught.value.message_dict["public_id"] == [
        "Incident with this Public id already exists."
    ]


def test_an_actor_has_each_role_once_per_incident():
    incident, actor = IncidentFactory(), ActorFactory()
    IncidentActor.objects.create(incident=incident, actor=actor, role="perpetrator")

    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentActor.objects.create(incident=incident, actor=actor, role="perpetrator")

    again = IncidentActor(incident=incident, actor=actor, role="perpetrator")
    with pytest.raises(ValidationError, match="already has this role"):
        again.full_clean()


def test_an_incident_is_not_related_to_itself():
    incident = IncidentFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentRelation.objects.create(
            from_incident=incident, to_incident=incident, kind="response to"
        )

    relation = IncidentRelation(from_incident=incident, to_incident=incident, kind="response to")
    with pytest.raises(ValidationError, match="cannot be related to itself"):
        relation.full_clean()


def test_valid_incident_passes_validation():
    incident = IncidentFactory(fatalities_low=0, fatalities_best=2, fatalities_high=4)

    incident.full_clean()


def test_unknown_counts_stay_unknown():
    incident = IncidentFactory()

    incident.refresh_from_db()
    assert incident.fatalities_best is None
    assert incident.injured is None
    assert incident.munition_count is None
