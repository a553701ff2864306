from __future__ import annotations

from django.urls import reverse

from geo.models import Location

ADD_URL = reverse("admin:geo_location_add")


def location_data(**fields) -> dict[str, str]:
    data = {
        "name": "Ain al-Asad Air Base",
        "alternate_names": "Al Asad Airbase",
        "kind": "military base",
        "latitude": "33.7856",
        "longitude": "42.4411",
        "country": "IRQ",
        "admin1": "IQ-AN",
        "admin2": "Hit District",
        "parent": "",
        "geonames_id": "",
        "wikidata_id": "",
    }
    data.update(fields)
    return data


def test_analyst_adds_a_place_with_country_and_admin1(analyst_client):
    response = analyst_client.post(ADD_URL, location_data())

    assert response.status_code == 302
    place = Location.objects.get()
    assert (place.country_name, place.admin1_name) == ("Iraq", "Al Anbār")


def test_latitude_out_of_range_is_a_form_error(analyst_client):
    response = analyst_client.post(ADD_URL, location_data(latitude="123"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["latitude"] == [
        "Latitude must be between -90 and 90 degrees."
    ]
    assert not Location.objects.exists()


def test_admin1_of_another_country_is_a_form_error(analyst_client):
    response = analyst_client.post(ADD_URL, location_data(admin1="SY-DY"))

    assert response.context["adminform"].form.errors["admin1"] == [
        "SY-DY is not a first-level area of Iraq."
    ]


def test_unknown_country_code_is_a_form_error(analyst_client):
    response = analyst_client.post(ADD_URL, location_data(country="XYZ", admin1=""))

    assert "country" in response.context["adminform"].form.errors


def test_country_and_admin1_are_offered_from_iso_3166(analyst_client):
    form = analyst_client.get(ADD_URL).context["adminform"].form

    countries = dict(form.fields["country"].choices)
    assert countries["SYR"] == "Syrian Arab Republic"
    admin1_groups = dict(form.fields["admin1"].choices)
    assert ("SY-DY", "Dayr az Zawr (SY-DY)") in admin1_groups["Syrian Arab Republic"]
