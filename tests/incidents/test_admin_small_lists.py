"""The actor and place lists filter by the countries they hold; the history page of a record
says nothing where a version has no change reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ActorFactory, IncidentFactory, LocationFactory


def country_links(page) -> list[str]:
    [country_filter] = [spec for spec in page.context["cl"].filter_specs if spec.title == "country"]
    return [str(choice["display"]) for choice in country_filter.choices(page.context["cl"])]


@pytest.mark.parametrize(
    "list_url, make",
    [
        ("admin:incidents_actor_changelist", lambda code: ActorFactory(country=code)),
        ("admin:geo_location_changelist", lambda code: LocationFactory(country=code)),
    ],
)
def test_a_list_s_country_filter_offers_only_countries_it_holds(analyst_client, list_url, make):
    make("IRQ"), make("SYR"), make("IRQ")

    page = analyst_client.get(reverse(list_url))
    chosen = analyst_client.get(reverse(list_url), {"country": "SYR"})

    assert country_links(page) == ["All", "Iraq (IRQ)", "Syrian Arab Republic (SYR)"]
    assert chosen.context["cl"].result_count == 1


def test_a_version_without_a_change_reason_shows_a_dash_not_none(analyst_client):
    incident = IncidentFactory()

    page = analyst_client.get(reverse("admin:incidents_incident_history", args=[incident.pk]))

    rows = page.content.decode().split('<table id="change-history"')[1]
    assert ">None<" not in rows.replace(" ", "").replace("\n", "")
    assert "—" in rows
