from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from geo.models import Location
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

LOCATION_RULES = [
    pytest.param({"latitude": 123.0}, "latitude", "Latitude must be between -90 and 90 degrees."),
    pytest.param({"latitude": -90.5}, "latitude", "Latitude must be between -90 and 90 degrees."),
    pytest.param(
        {"longitude": 181.0}, "longitude", "Longitude must be between -180 and 180 degrees."
    ),
    pytest.param(
        {"longitude": -200.0}, "longitude", "Longitude must be between -180 and 180 degrees."
    ),
    pytest.param({"kind": "spaceport"}, "kind", "Value 'spaceport' is not a valid choice."),
]


@pytest.mark.parametrize(("values", "field", "message"), LOCATION_RULES)
def test_database_rejects_bad_location(values, field, message):
    place = LocationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.filter(pk=place.pk).update(**values)


@pytest.mark.parametrize(("values", "field", "message"), LOCATION_RULES)
def test_validation_explains_bad_location(values, field, message):
    place = LocationFactory.build(**values)

    with pytest.raises(ValidationError) as caught:
        place.full_clean()

    assert any(text.startswith(message) for text in caught.value.message_dict[field])


def test_admin1_must_lie_in_the_country():
    place = LocationFactory.build(country="IRQ", admin1="SY-DY")

    with pytest.raises(ValidationError) as caught:
        place.full_clean()

    assert caught.value.message_dict["admin1"] == ["SY-DY is not a first-level area of Iraq."]


def test_edge_coordinates_are_valid():
    LocationFactory.build(latitude=-90, longitude=180, country="FJI").full_clean()
