"""The validation helpers of core: field validators and CHECK constraints with messages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q

from core.models import check_constraint, choices_constraint
from core.validators import wikidata_id
from geo.models import Location, LocationKind
from incidents.models import Incident
from incidents.taxonomy import ViolenceType
from tests.factories import LocationFactory


@pytest.mark.parametrize("value", ["Q1", "Q42", "Q12345678"])
def test_a_wikidata_id_is_q_and_a_number(value):
    wikidata_id(value)


@pytest.mark.parametrize("value", ["", "Q", "Q0", "Q012", "q42", "42", "Q42 ", "Q4x", "P31"])
def test_anything_else_is_not_a_wikidata_id(value):
    with pytest.raises(ValidationError, match=r"A Wikidata id looks like Q12345\."):
        wikidata_id(value)


# Checking a constraint evaluates its condition in the database.
@pytest.mark.django_db
def test_a_check_constraint_reads_its_message_and_carries_its_name_as_code():
    constraint = check_constraint(
        Q(latitude__lte=90), name="latitude_at_most_90", message="Too far north."
    )

    constraint.validate(Location, Location(latitude=90))
    with pytest.raises(ValidationError) as raised:
        constraint.validate(Location, Location(latitude=91))

    assert (raised.value.code, raised.value.messages) == ("latitude_at_most_90", ["Too far north."])


@pytest.mark.django_db
def test_a_choices_constraint_allows_the_declared_choices_only():
    constraint = choices_constraint("kind", LocationKind, name="kind_valid")

    constraint.validate(Location, Location(kind=LocationKind.CITY))
    with pytest.raises(ValidationError) as raised:
        constraint.validate(Location, Location(kind="castle"))

    assert raised.value.code == "kind_valid"
    assert raised.value.messages == [
        "kind must be one of: military base, airport, city/town, village, district, "
        "governorate, country, area."
    ]


@pytest.mark.django_db
def test_a_nullable_choices_constraint_allows_null_and_still_only_the_choices():
    constraint = choices_constraint("violence_type", ViolenceType, name="open", nullable=True)

    constraint.validate(Incident, Incident(violence_type=None))
    constraint.validate(Incident, Incident(violence_type=ViolenceType.ONE_SIDED))
    with pytest.raises(ValidationError):
        constraint.validate(Incident, Incident(violence_type=99))


@pytest.mark.django_db
def test_a_violated_constraint_is_reported_on_the_field_it_names():
    place = LocationFactory.build(latitude=91, longitude=181)

    with pytest.raises(ValidationError) as raised:
        place.validate_constraints()

    errors = raised.value.error_dict
    assert set(errors) == {"latitude", "longitude"}
    assert errors["latitude"][0].code == "location_latitude_range"
    assert errors["latitude"][0].messages == ["Latitude must be between -90 and 90 degrees."]
