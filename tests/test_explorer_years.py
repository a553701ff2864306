"""The explorer's year facet: an incident counts in every year it has a day in, within the
page's own dates, and a year's link opens exactly the incidents its count says."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import IncidentFactory
from tests.test_explorer import PAGE, ROW, links

pytestmark = pytest.mark.django_db


@pytest.fixture
def over_new_year():
    IncidentFactory(date_start=dt.date(2021, 12, 30), date_end=dt.date(2022, 1, 2))
    IncidentFactory(date_start=dt.date(2022, 5, 1))
    IncidentFactory(date_start=dt.date(2021, 3, 1))


def test_a_year_link_keeps_the_pages_own_dates_and_opens_what_it_counts(client, over_new_year):
    page = client.get(PAGE, {"date_after": "2021-12-31"}).content.decode()
    year_links = links(page, "year")

    # The incident over the new year has a day in 2021 after date_after: it counts there too.
    assert year_links == {
        "2022": "?date_after=2022-01-01&date_before=2022-12-31",
        "2021": "?date_after=2021-12-31&date_before=2021-12-31",
    }
    assert len(ROW.findall(client.get(PAGE + year_links["2021"]).content.decode())) == 1
    assert len(ROW.findall(client.get(PAGE + year_links["2022"]).content.decode())) == 2


def test_the_selected_year_link_removes_the_dates(client, over_new_year):
    page = client.get(PAGE, {"date_after": "2022-01-01", "date_before": "2022-12-31"})

    assert links(page.content.decode(), "year")["2022"] == "?"
