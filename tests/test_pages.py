from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils.html import strip_tags

from incidents.models import IncidentRelation, Source, Tag
from tests.factories import (
    ActorFactory,
    CitationFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
    SourceFactory,
)


def test_home_lists_published_incidents_only(client, db):
    IncidentFactory(title="Published rocket attack", status="published")
    IncidentFactory(title="Draft drone strike", status="draft")

    page = client.get("/").content.decode()

    assert "Published rocket attack" in page
    assert "Draft drone strike" not in page


@pytest.mark.django_db
def test_health_check_reports_ok(client):
    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["databases"]["default"] == {"state": "ok"}


@pytest.mark.django_db
def test_stylesheet_is_served_locally(client):
    response = client.get("/static/css/tessera.css")

    assert response.status_code == 200


def test_permalink_page_shows_the_record_and_its_quote(client, seeded):
    page = client.get("/incidents/SYR-2022-00001/").content.decode()

    assert "Eight rounds of indirect fire hit Green Village base" in page
    assert "eight rounds of indirect fire at Green Village" in page
    assert "Unidentified Iran-backed militia: perpetrator (alleged)" in strip_tags(page)


def test_a_draft_has_no_permalink_page(client, db):
    draft = IncidentFactory(status="draft")

    assert client.get(f"/incidents/{draft.public_id}/").status_code == 404


def test_permalink_page_offers_the_citation_and_its_downloads(client, seeded):
    page = client.get("/incidents/SYR-2022-00001/").content.decode()

    assert "Cite this record" in page
    assert (
        "Tessera. “Eight rounds of indirect fire hit Green Village base.” SYR-2022-00001, "
        "version 1 of "
    ) in page
    assert 'href="/incidents/SYR-2022-00001/cite.bib"' in page
    assert 'href="/incidents/SYR-2022-00001/cite.json"' in page


def test_permalink_page_tells_the_whole_record_in_plain_language(client, seeded):
    incident = seeded["1"]

    page = client.get(f"/incidents/{incident.public_id}/").content.decode()

    for text in [
        "5 January 2022",
        "(precision: exact day)",
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        "mortar/indirect fire",
        "8 (rounds, rockets or drones)",
        "impact",
        "Green Village (military base)",
        "35.07, 40.55",
        "2 – near (within about 25 km)",
        "al-Mayadeen, Syrian Arab Republic (35.0196, 40.4527",
        "single source",
        "Soleimani anniversary, January 2022",
        "Syrian Democratic Forces: target (confirmed)",
        "from 1 independent source.",
        "paragraph 2",
        "Track Persia, republishing Al Arabiya (5 January 2022); "
        "claim by US-led Coalition (CJTF-OIR).",
        f"{incident.updated_at:%-d %B %Y}",
        f"{incident.version}, saved ",
    ]:
        assert text in strip_tags(page)  # names link to their pages


def _field(page: str, label: str) -> str:
    return re.search(rf"<dt>{label}</dt>\s*<dd>(.*?)</dd>", page, re.S).group(1).strip()


def test_unknown_casualties_are_not_shown_as_zero(client, seeded):
    reported_none = client.get("/incidents/SYR-2022-00001/").content.decode()
    not_reported = client.get("/incidents/SYR-2022-00002/").content.decode()

    assert _field(reported_none, "Fatalities") == "0"
    assert _field(reported_none, "Injured") == "0"
    assert _field(not_reported, "Fatalities") == "unknown (not reported)"
    assert _field(not_reported, "Injured") == "unknown (not reported)"
    assert _field(not_reported, "Munitions") == "6 (rounds, rockets or drones)"


def test_a_fatality_range_shows_its_estimates(client, db):
    incident = IncidentFactory(fatalities_low=2, fatalities_best=3, fatalities_high=None)

    page = client.get(f"/incidents/{incident.public_id}/").content.decode()

    assert "3\n" in _field(page, "Fatalities")
    assert "(low estimate 2, high estimate unknown)" in _field(page, "Fatalities")


def test_the_source_shows_where_to_find_and_check_it(client, db):
    original = SourceFactory(publisher="Al Arabiya", url="https://example.org/original")
    source = SourceFactory(
        publisher="Track Persia",
        url="https://example.org/republished",
        archive_url="https://web.archive.org/web/2022/https://example.org/republished",
        captured_at=dt.datetime(2022, 1, 6, 9, 30, tzinfo=dt.UTC),
        republished_from=original,
        originator=ActorFactory(name="Coalition spokesperson"),
    )
    Source.objects.filter(pk=source.pk).update(content_sha256="ab" * 32)
    citation = CitationFactory(source=source, locator="paragraph 4", quote="Five rockets landed.")

    page = client.get(f"/incidents/{citation.incident.public_id}/").content.decode()

    for text in [
        "Five rockets landed.",
        "paragraph 4",
        "Track Persia, republishing Al Arabiya (6 January 2022); claim by Coalition spokesperson.",
        "6 January 2022",
        'href="https://example.org/republished"',
        'href="https://web.archive.org/web/2022/https://example.org/republished"',
        "captured 6 January 2022, 09:30 UTC",
        "ab" * 32,
        'href="https://example.org/original"',
    ]:
        assert text in (page if text.startswith("href=") else strip_tags(page))


@pytest.mark.parametrize("status", ["draft", "in review"])
def test_records_that_are_not_public_have_no_permalink_page(client, db, status):
    incident = IncidentFactory(status=status)

    assert client.get(f"/incidents/{incident.public_id}/").status_code == 404


def test_a_retracted_record_is_a_tombstone_with_its_reason(client, db):
    incident = IncidentFactory(
        title="Rockets on the airport",
        status="retracted",
        retraction_reason="The video shows an exercise in 2019.",
    )

    page = client.get(f"/incidents/{incident.public_id}/").content.decode()

    assert '<p class="retraction-label">Retracted</p>' in page
    assert "The video shows an exercise in 2019." in page
    assert "Rockets on the airport" in page


def test_a_published_record_has_no_retraction_notice(client, seeded):
    page = client.get("/incidents/SYR-2022-00001/").content.decode()

    assert "retraction-label" not in page


def test_related_incidents_are_listed_both_ways_when_public(client, db):
    attack = IncidentFactory(title="Rockets on the base")
    response = IncidentFactory(title="Artillery answers the rockets")
    series = IncidentFactory(title="Second rocket attack")
    hidden = IncidentFactory(title="Unreviewed drone attack", status="draft")
    IncidentRelation.objects.create(from_incident=response, to_incident=attack, kind="response to")
    IncidentRelation.objects.create(from_incident=attack, to_incident=series, kind="part of series")
    IncidentRelation.objects.create(from_incident=hidden, to_incident=attack, kind="response to")
    IncidentRelation.objects.create(from_incident=attack, to_incident=hidden, kind="same event as")

    attack_page = client.get(f"/incidents/{attack.public_id}/").content.decode()
    response_page = client.get(f"/incidents/{response.public_id}/").content.decode()

    assert f'Responded to by <a href="/incidents/{response.public_id}/">' in attack_page
    assert f'Part of a series with <a href="/incidents/{series.public_id}/">' in attack_page
    assert "Unreviewed drone attack" not in attack_page
    assert hidden.public_id not in attack_page
    assert f'In response to <a href="/incidents/{attack.public_id}/">' in response_page


def test_html_and_formulas_in_a_title_are_shown_as_text(client, db):
    incident = IncidentFactory(title='=HYPERLINK("http://x") <script>alert(1)</script>')

    page = client.get(f"/incidents/{incident.public_id}/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "=HYPERLINK(&quot;http://x&quot;) &lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_page_takes_the_same_queries_however_much_it_shows(
    client, db, django_assert_num_queries
):
    bare = IncidentFactory(origin_location=None)
    full = IncidentFactory(origin_location=LocationFactory())
    full.tags.add(Tag.objects.create(name="a"), Tag.objects.create(name="b"))
    for _ in range(3):
        IncidentActorFactory(incident=full)
        original = SourceFactory(
            republished_from=SourceFactory(republished_from=SourceFactory()),
            originator=ActorFactory(),
        )
        CitationFactory(incident=full, source=SourceFactory(republished_from=original))
        IncidentRelation.objects.create(
            from_incident=full, to_incident=IncidentFactory(), kind="part of series"
        )
        IncidentRelation.objects.create(
            from_incident=IncidentFactory(), to_incident=full, kind="response to"
        )

    for incident in (bare, full):
        # The request's transaction (ATOMIC_REQUESTS; a savepoint and its release in a test),
        # 1 the incident, its place and point of origin, 2 tags, 3 actors, 4 citations with
        # their sources, republished sources and originators, 5 links from it, 6 links to it.
        with django_assert_num_queries(2 + 6):
            assert client.get(f"/incidents/{incident.public_id}/").status_code == 200
