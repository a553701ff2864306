"""The public explorer, /incidents/: the API's list as a page, with the same query string."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from incidents.taxonomy import Status
from tests.factories import (
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
)

PAGE = "/incidents/"
API = "/api/v1/incidents/"
ROW = re.compile(r'<a class="title" href="/incidents/([A-Z0-9-]+)/">')


def page_ids(client, query: str) -> list[str]:
    response = client.get(f"{PAGE}?{query}")
    assert response.status_code == 200, response.content.decode()[:2000]
    return ROW.findall(response.content.decode())


def api_ids(query: str) -> list[str]:
    response = APIClient().get(f"{API}?{query}")
    assert response.status_code == 200, response.content
    return [row["public_id"] for row in response.json()["results"]]


def links(page: str, css_class: str) -> dict[str, str]:
    """The links of a facet section on the page: text → href."""
    section = page.split(f'class="facet facet-{css_class}"', 1)[1].split("</section>", 1)[0]
    found = re.findall(r'<a href="([^"]*)"[^>]*>(?:✕ )?([^<]+)</a>', section)
    return {html.unescape(text): html.unescape(href) for href, text in found}


@pytest.fixture
def mixed(seeded):
    """The five demo incidents, more in Iraq and Syria over several years, and drafts."""
    baghdad = LocationFactory(country="IRQ", admin1="IQ-BG")
    syria = LocationFactory(country="SYR", admin1="SY-DY")
    for year, fatalities in [(2020, 4), (2021, None), (2023, 12)]:
        IncidentFactory(
            location=baghdad, date_start=dt.date(year, 3, 1), fatalities_best=fatalities
        )
        IncidentFactory(
            location=syria,
            date_start=dt.date(year, 6, 1),
            event_type="Battles",
            sub_event_type="Armed clash",
            fatalities_best=fatalities,
        )
    draft = IncidentFactory(location=baghdad, title="Secret draft strike", status=Status.DRAFT)
    IncidentActorFactory(incident=draft, actor__name="Draft-only militia")
    IncidentFactory(location=baghdad, title="Record under review", status=Status.IN_REVIEW)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "country=IRQ",
        "country=IRQ,SYR&ordering=date",
        "event_type=Battles&date_after=2021-01-01",
        "ordering=-fatalities&fatalities_min=0",
        "q=drones&ordering=date",
        "admin1=IQ-BG&date_before=2022-12-31&ordering=fatalities",
        "status=published,retracted&page_size=3",
    ],
)
def test_the_page_lists_what_the_api_lists_in_the_same_order(client, mixed, query):
    assert page_ids(client, query) == api_ids(query)


def test_the_page_says_how_many_incidents_match(client, mixed):
    page = client.get(PAGE, {"country": "IRQ"}).content.decode()
    count = APIClient().get(f"{API}count/", {"country": "IRQ"}).json()["count"]

    assert f"{count} incidents</h2>" in page


def test_drafts_never_appear_on_the_page_or_in_its_facets(client, editor_client, mixed):
    for reader in (client, editor_client):
        page = reader.get(PAGE, {"page_size": 1000}).content.decode()

        assert "Secret draft strike" not in page
        assert "Record under review" not in page
        assert "Draft-only militia" not in page


def test_drafts_cannot_be_asked_for_even_by_an_editor(editor_client, mixed):
    response = editor_client.get(PAGE, {"status": "draft"})

    assert response.status_code == 400
    assert "Secret draft strike" not in response.content.decode()


def test_each_row_links_to_its_permalink(client, seeded):
    page = client.get(PAGE, {"q": "Baghdad airport"}).content.decode()

    assert '<a class="title" href="/incidents/IRQ-2022-00003/">' in page


def test_paging_walks_every_incident_once(client, mixed):
    seen: list[str] = []
    url = f"{PAGE}?page_size=4&ordering=date"
    while url:
        page = client.get(url).content.decode()
        seen += ROW.findall(page)
        next_link = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = html.unescape(next_link.group(1)) if next_link else ""

    assert seen == api_ids("ordering=date&page_size=1000")
    assert len(seen) == 11


def test_sort_links_keep_the_filters_and_start_from_the_first_page(client, mixed):
    page = client.get(PAGE, {"country": "IRQ", "page_size": 2}).content.decode()

    assert 'href="?country=IRQ&amp;page_size=2&amp;ordering=date">Oldest</a>' in page
    assert '<strong aria-current="true">Newest</strong>' in page


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("contry=IRQ", "contry", "Unknown parameter — did you mean country?"),
        ("country=XYZ", "country", "“XYZ” is not an ISO 3166-1 alpha-3 country code"),
        ("date_after=yesterday", "date_after", "Enter a date as YYYY-MM-DD."),
        ("cursor=nonsense", "cursor", "Not a cursor this API handed out."),
        ("ordering=colour", "ordering", "is not an ordering"),
    ],
)
def test_a_bad_parameter_is_named_on_the_page_with_a_400(client, db, query, parameter, message):
    response = client.get(f"{PAGE}?{query}")

    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert 'class="form-errors"' in page
    assert f"<code>{parameter}</code>: " in page
    assert message in page
    # The API refuses the same query string, naming the same parameter.
    assert parameter in APIClient().get(f"{API}?{query}").json()


def test_a_facet_link_narrows_the_selection_to_the_count_it_shows(client, mixed):
    page = client.get(PAGE, {"country": "IRQ"}).content.decode()

    for facet in ["event_type", "admin1", "year", "actor", "confidence"]:
        for label, href in links(page, facet).items():
            shown = page.split(f">{html.escape(label)}</a>", 1)[1]
            count = int(re.search(r'<span class="count">(\d+)</span>', shown).group(1))
            narrowed = APIClient().get(f"{API}count/{href}").json()["count"]
            assert narrowed == count, (facet, label, href)


def test_a_selected_facet_value_links_to_the_selection_without_it(client, mixed):
    page = client.get(PAGE, {"country": "IRQ", "event_type": "Battles,Strategic developments"})
    event_types = links(page.content.decode(), "event_type")

    assert event_types["Strategic developments"] == "?country=IRQ&event_type=Battles"
    assert links(page.content.decode(), "country")["Iraq"] == (
        "?event_type=Battles%2CStrategic+developments"
    )


def test_year_and_tag_facets_add_and_remove_their_filters(client, seeded):
    page = client.get(PAGE).content.decode()
    tag_link = links(page, "tag")["Soleimani anniversary, January 2022"]
    year_link = links(page, "year")["2022"]

    # A value holding a comma is quoted, as the list parameters read it.
    assert tag_link == "?tag=%22Soleimani+anniversary%2C+January+2022%22"
    assert year_link == "?date_after=2022-01-01&date_before=2022-12-31"
    selected = client.get(PAGE + year_link).content.decode()
    assert links(selected, "year")["2022"] == "?"
    tagged = client.get(PAGE + tag_link).content.decode()
    assert len(ROW.findall(tagged)) == 5
    assert links(tagged, "tag")["Soleimani anniversary, January 2022"] == "?"


def test_downloads_and_the_api_url_carry_the_same_selection(client, seeded):
    page = html.unescape(client.get(PAGE, {"country": "IRQ", "page_size": 2}).content.decode())

    for preset in ["native", "acled", "ucdp"]:
        assert f'href="/api/v1/incidents/export/?country=IRQ&preset={preset}"' in page
    assert 'href="/api/v1/incidents/export/?country=IRQ&format=geojson"' in page
    assert "http://testserver/api/v1/incidents/?country=IRQ&page_size=2</code>" in page
    acled = APIClient().get("/api/v1/incidents/export/?country=IRQ&preset=acled")
    assert acled.status_code == 200


def test_the_front_page_and_the_header_lead_to_the_explorer(client, db):
    page = client.get("/").content.decode()

    assert page.count('href="/incidents/"') == 2
    assert 'action="/incidents/"' in page


def test_the_page_runs_a_fixed_number_of_queries(client, mixed):
    def queries_on_incidents() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(PAGE, {"country": "IRQ,SYR", "page_size": 1000})
        assert response.status_code == 200
        return len([q for q in queries.captured_queries if '"incidents_' in q["sql"]])

    with_few = queries_on_incidents()
    for _ in range(20):
        IncidentActorFactory(incident=IncidentFactory(location=LocationFactory(country="SYR")))

    assert queries_on_incidents() == with_few
    # The page of rows with their places, the count, one query per facet (8), the box of the
    # selection's places, where the map opens, and the timeline's span and counts; the request's
    # transaction adds a savepoint, which names no table.
    assert with_few == 13
