"""The explorer's timeline, as the server draws it: usable without JavaScript."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from rest_framework.test import APIClient

from incidents.taxonomy import Status
from tests.factories import IncidentFactory, LocationFactory

pytestmark = pytest.mark.django_db

PAGE = "/incidents/"
BAR = re.compile(r'<a class="bar" href="([^"]*)" data-label="([^"]*)" data-total="(\d+)"')
BATTLE = {"event_type": "Battles", "sub_event_type": "Armed clash"}


@pytest.fixture
def iraq(db):
    """Iraq: three incidents in 2012 (one a battle), one running from 2013 into 2014, one in
    2024; a draft in 2014; Syria: one in 2014."""
    baghdad = LocationFactory(country="IRQ")
    for month in (2, 3):
        IncidentFactory(location=baghdad, date_start=dt.date(2012, month, 1))
    IncidentFactory(location=baghdad, date_start=dt.date(2012, 4, 1), **BATTLE)
    IncidentFactory(
        location=baghdad, date_start=dt.date(2013, 12, 30), date_end=dt.date(2014, 1, 2)
    )
    IncidentFactory(location=baghdad, date_start=dt.date(2024, 5, 1))
    IncidentFactory(location=baghdad, date_start=dt.date(2014, 5, 1), status=Status.DRAFT)
    IncidentFactory(location=LocationFactory(country="SYR"), date_start=dt.date(2014, 7, 1))


def bars(client, query: str) -> list[tuple[str, str, int]]:
    """The timeline's bars on the page: (link, label, count)."""
    response = client.get(f"{PAGE}?{query}")
    assert response.status_code == 200
    return [
        (html.unescape(href), label, int(total))
        for href, label, total in BAR.findall(response.content.decode())
    ]


def heading(client, url: str) -> str:
    page = client.get(f"{PAGE}{url}").content.decode()
    return re.search(r'<h2 id="results-heading">([^<]*)</h2>', page).group(1)


def test_the_page_draws_a_bar_per_year_of_a_long_selection(client, iraq):
    drawn = bars(client, "country=IRQ")

    # 148 months would be too many bars; 13 years are not.
    assert len(drawn) == 13
    assert drawn[:3] + drawn[-1:] == [
        ("?country=IRQ&start_after=2012-01-01&date_before=2012-12-31", "2012", 3),
        ("?country=IRQ&start_after=2013-01-01&date_before=2013-12-31", "2013", 1),
        ("?country=IRQ&start_after=2014-01-01&date_before=2014-12-31", "2014", 0),
        ("?country=IRQ&start_after=2024-01-01&date_before=2024-12-31", "2024", 1),
    ]


def test_a_bar_lists_the_incidents_it_counts(client, iraq):
    for link, label, count in bars(client, "country=IRQ"):
        assert heading(client, link) == f"{count} incident{'s' if count != 1 else ''}", label


def test_the_page_shows_the_counts_the_api_gives(client, iraq):
    query = "country=IRQ&event_type=Explosions/Remote violence"
    periods = APIClient().get(f"/api/v1/incidents/timeline/?{query}").json()["periods"]

    assert [total for _, _, total in bars(client, query)] == [each["total"] for each in periods]


def test_the_bars_stack_by_event_type_with_a_legend_and_a_table(client, iraq):
    page = client.get(f"{PAGE}?country=IRQ&date_before=2012-12-31").content.decode()
    chart = page.split('<svg class="timeline-chart"', 1)[1].split("</svg>", 1)[0]
    table = page.split('class="timeline-table"', 1)[1].split("</table>", 1)[0]

    # Three months (February to April), each bar filled by one event type.
    assert re.findall(r'<rect class="(event-type-\d)"', chart) == [
        "event-type-1",
        "event-type-1",
        "event-type-0",
    ]
    assert '<li><span class="swatch event-type-0"></span>Battles</li>' in page
    rows = re.findall(r'<tr><th scope="row"><a href="[^"]*">([^<]*)</a></th>(.*?)</tr>', table)
    assert len(rows) == 61
    # Incidents, then battles and explosions.
    assert [(day, re.findall(r"<td>(\d+)</td>", cells)) for day, cells in rows[:2]] == [
        ("2012-02-01", ["1", "0", "1"]),
        ("2012-02-02", ["0", "0", "0"]),
    ]
    assert rows[-1] == ("2012-04-01", "<td>1</td><td>1</td><td>0</td>")


def test_the_timeline_script_is_a_local_file(client, iraq):
    page = client.get(f"{PAGE}?country=IRQ").content.decode()

    assert '<script src="/static/js/timeline.js" defer></script>' in page
    assert client.get("/static/js/timeline.js").status_code == 200


def test_an_empty_selection_has_no_timeline(client, iraq):
    page = client.get(f"{PAGE}?country=AFG").content.decode()

    assert "0 incidents" in page
    assert "timeline" not in page
