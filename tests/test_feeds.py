"""The Atom feeds of newly published and of retracted incidents, of any selection."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest

from tests.factories import IncidentFactory, LocationFactory

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = "/incidents/feed.atom"
RETRACTED = "/incidents/retracted.atom"


def entries(response) -> list[dict[str, str]]:
    """The feed's entries, read as any Atom reader reads them."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    return [
        {
            "title": entry.findtext(f"{ATOM}title", ""),
            "id": entry.findtext(f"{ATOM}id", ""),
            "link": entry.find(f"{ATOM}link").get("href"),  # type: ignore[union-attr]
            "summary": entry.findtext(f"{ATOM}summary", ""),
            "published": entry.findtext(f"{ATOM}published", ""),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def titles(response) -> list[str]:
    return [entry["title"].rsplit(": ", 1)[-1] for entry in entries(response)]


@pytest.fixture
def records(db):
    syria = LocationFactory(country="SYR", name="Green Village")
    return {
        "first": IncidentFactory(title="First published in Iraq"),
        "second": IncidentFactory(title="Then published in Syria", location=syria),
        "draft": IncidentFactory(title="A draft in Iraq", status="draft"),
        "review": IncidentFactory(title="In review in Iraq", status="in review"),
        "retracted": IncidentFactory(
            title="Withdrawn in Iraq",
            status="retracted",
            retraction_reason="The video shows an exercise in 2019 <not 2022>.",
        ),
    }


def test_the_feed_lists_published_records_newest_first_and_no_other(client, records):
    feed = entries(client.get(FEED))

    assert [entry["title"] for entry in feed] == [
        f"{records['second'].public_id}: Then published in Syria",
        f"{records['first'].public_id}: First published in Iraq",
    ]
    assert feed[0]["link"] == f"http://testserver/incidents/{records['second'].public_id}/"
    assert feed[0]["id"] == feed[0]["link"]


def test_a_correction_does_not_make_an_old_record_new(client, records):
    records["first"].summary = "Corrected."
    records["first"].save()

    assert titles(client.get(FEED)) == ["Then published in Syria", "First published in Iraq"]


def test_a_draft_published_later_is_new_when_it_is_published(client, records):
    records["draft"].status = "published"
    records["draft"].save()

    assert titles(client.get(FEED))[0] == "A draft in Iraq"


def test_the_retraction_feed_carries_each_record_with_its_reason(client, records):
    feed = entries(client.get(RETRACTED))

    assert [entry["title"] for entry in feed] == [
        f"Retracted: {records['retracted'].public_id}: Withdrawn in Iraq"
    ]
    # The summary is HTML, which a reader shows as the reason's own text.
    shown = html.unescape(re.sub(r"<[^>]+>", "", feed[0]["summary"]))
    assert shown == "Retracted: The video shows an exercise in 2019 <not 2022>."
    assert feed[0]["id"].endswith("#retracted")


def test_the_feeds_take_the_explorers_filters(client, records):
    assert titles(client.get(FEED, {"country": "SYR"})) == ["Then published in Syria"]
    assert titles(client.get(FEED, {"q": "Iraq"})) == ["First published in Iraq"]
    assert titles(client.get(RETRACTED, {"country": "SYR"})) == []
    assert titles(client.get(RETRACTED, {"country": "IRQ"})) == ["Withdrawn in Iraq"]


def test_the_feed_links_its_selection_and_itself(client, records):
    feed = ET.fromstring(client.get(FEED, {"country": "SYR"}).content)
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}

    assert links == {
        "alternate": "http://testserver/incidents/?country=SYR",
        "self": "http://testserver/incidents/feed.atom?country=SYR",
    }
    assert feed.findtext(f"{ATOM}title") == "Tessera: newly published incidents (country=SYR)"


def test_asking_a_feed_for_drafts_gives_none(client, records):
    response = client.get(FEED, {"status": "draft"})

    assert response.status_code == 400
    assert "A draft" not in response.content.decode()


@pytest.mark.parametrize("feed", [FEED, RETRACTED])
@pytest.mark.parametrize(
    ("query", "named"),
    [({"contry": "IRQ"}, "contry"), ({"date_after": "yesterday"}, "date_after")],
)
def test_a_bad_parameter_is_a_400_naming_it(client, db, feed, query, named):
    response = client.get(feed, query)

    assert response.status_code == 400
    assert response.content.decode().startswith(f"{named}: ")


def test_a_feed_takes_the_same_queries_however_many_entries(client, db, django_assert_num_queries):
    place = LocationFactory()
    IncidentFactory.create_batch(5, location=place)
    # The request's transaction (a savepoint and its release in a test), and the entries, each
    # with its place and the time it was published, in one query.
    with django_assert_num_queries(2 + 1):
        assert len(entries(client.get(FEED))) == 5


def test_a_feed_holds_the_latest_entries_of_its_own_selection(client, db, monkeypatch):
    monkeypatch.setattr("incidents.feeds.ENTRIES", 2)
    syria = LocationFactory(country="SYR")
    IncidentFactory(title="The oldest in Iraq")
    IncidentFactory(title="Then in Iraq")
    IncidentFactory.create_batch(3, title="Later in Syria", location=syria)
    republished = IncidentFactory(
        title="Retracted, then published again", status="retracted", location=syria
    )
    republished.status = "published"
    republished.save()

    assert titles(client.get(FEED)) == ["Retracted, then published again", "Later in Syria"]
    # The latest of Iraq's, however many newer records other countries have.
    assert titles(client.get(FEED, {"country": "IRQ"})) == ["Then in Iraq", "The oldest in Iraq"]
