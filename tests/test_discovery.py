"""What search engines and reference managers read: sitemap.xml, robots.txt, and each record
page's citation tags, JSON-LD, canonical and alternate links."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from incidents.models import Incident
from incidents.sitemaps import IncidentSitemap
from tests.factories import IncidentFactory

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Head(HTMLParser):
    """The page's meta tags, links and JSON-LD blocks, as a crawler reads them."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and "name" in values:
            self.meta.setdefault(values["name"], []).append(values["content"])
        elif tag == "link":
            self.links.append(values)
        self._in_json_ld = tag == "script" and values.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_json_ld = False

    def link(self, rel: str, kind: str | None = None) -> str:
        (found,) = [
            link["href"]
            for link in self.links
            if link.get("rel") == rel and (kind is None or link.get("type") == kind)
        ]
        return found


def locations(response) -> list[str]:
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [element.text or "" for element in root.iter(f"{SITEMAP}loc")]


@pytest.fixture
def one_page(monkeypatch):
    """Every record on the first page: ids grow across tests (PostgreSQL's sequences are not
    rolled back), and these tests are about what a page holds, not where it starts."""
    monkeypatch.setattr(IncidentSitemap, "limit", 10**12)


def test_the_sitemap_lists_public_permalinks_and_no_draft(client, db, one_page):
    published = IncidentFactory()
    retracted = IncidentFactory(status="retracted")
    merged = IncidentFactory(status="retracted", duplicate_of=published)
    drafts = [IncidentFactory(status=status) for status in ("draft", "in review")]

    index = locations(client.get("/sitemap.xml"))
    assert index == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-incidents.xml",
    ]
    listed = locations(client.get("/sitemap-incidents.xml"))

    assert listed == [
        f"http://testserver/incidents/{published.public_id}/",
        f"http://testserver/incidents/{retracted.public_id}/",
    ]
    for absent in [merged, *drafts]:
        assert absent.public_id not in client.get("/sitemap-incidents.xml").content.decode()


def test_each_permalink_carries_its_last_change(client, db, one_page):
    incident = IncidentFactory()
    root = ET.fromstring(client.get("/sitemap-incidents.xml").content)

    (lastmod,) = [element.text for element in root.iter(f"{SITEMAP}lastmod")]
    assert lastmod == f"{incident.updated_at:%Y-%m-%d}"


def test_the_public_pages_are_in_the_sitemap(client, db):
    assert locations(client.get("/sitemap-pages.xml")) == [
        f"http://testserver{path}"
        for path in ["/", "/incidents/", "/about/", "/about/codebook/", "/about/methodology/"]
    ]


def page_url(page: int) -> str:
    """Where the index lists the records' sitemap page `page` (the first without `p`)."""
    return "http://testserver/sitemap-incidents.xml" + (f"?p={page}" if page > 1 else "")


def test_many_records_are_listed_in_pages_by_id_range(client, db, monkeypatch):
    monkeypatch.setattr(IncidentSitemap, "limit", 2)
    incidents = IncidentFactory.create_batch(5)
    IncidentFactory(status="draft")
    first = (incidents[0].pk - 1) // 2 + 1  # the page of the first record's id
    numbers = sorted({(incident.pk - 1) // 2 + 1 for incident in incidents})

    index = locations(client.get("/sitemap.xml"))
    pages = [locations(client.get(f"/sitemap-incidents.xml?p={page}")) for page in numbers]

    assert [url for url in index if "incidents" in url] == [page_url(page) for page in numbers]
    assert numbers[0] == first and all(len(page) <= 2 for page in pages)
    assert [url for page in pages for url in page] == [
        f"http://testserver/incidents/{incident.public_id}/" for incident in incidents
    ]
    # A page past the records, and a page that is not a number, are not found.
    assert client.get(f"/sitemap-incidents.xml?p={numbers[-1] + 1}").status_code == 404
    assert client.get("/sitemap-incidents.xml?p=two").status_code == 404


def test_each_page_of_the_index_carries_its_own_last_change(client, db, monkeypatch):
    monkeypatch.setattr(IncidentSitemap, "limit", 1)
    older, newer = IncidentFactory.create_batch(2)
    older.updated_at = older.updated_at.replace(year=2020)
    Incident.objects.filter(pk=older.pk).update(updated_at=older.updated_at)

    root = ET.fromstring(client.get("/sitemap.xml").content)
    lastmods = {
        entry.findtext(f"{SITEMAP}loc"): entry.findtext(f"{SITEMAP}lastmod")
        for entry in root.iter(f"{SITEMAP}sitemap")
    }

    assert lastmods[page_url(older.pk)].startswith("2020-")
    assert lastmods[page_url(newer.pk)].startswith(f"{newer.updated_at:%Y-%m-%d}")


def test_a_deep_page_of_the_sitemap_is_read_as_the_first_is(
    client, db, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(IncidentSitemap, "limit", 2)
    incidents = IncidentFactory.create_batch(6)
    last_page = (incidents[-1].pk - 1) // 2 + 1
    # The request's transaction (a savepoint and its release), and the page's records, by
    # a range of ids: no OFFSET that would read every record before them.
    with django_assert_num_queries(2 + 1) as queries:
        assert len(locations(client.get(f"/sitemap-incidents.xml?p={last_page}"))) >= 1
    assert "OFFSET" not in queries.captured_queries[-2]["sql"].upper()


def test_the_sitemap_index_takes_the_same_queries_however_many_records(
    client, db, django_assert_num_queries
):
    IncidentFactory.create_batch(3)
    # The request's transaction (a savepoint and its release), and the records' pages with
    # the latest change of each, never the records one by one.
    with django_assert_num_queries(2 + 1):
        client.get("/sitemap.xml")


def test_the_sitemap_index_is_on_the_host_the_request_came_through(client, db, settings, one_page):
    settings.ALLOWED_HOSTS = ["mirror.example.org"]
    IncidentFactory()

    index = locations(client.get("/sitemap.xml", HTTP_HOST="mirror.example.org"))

    assert index == [
        "http://mirror.example.org/sitemap-pages.xml",
        "http://mirror.example.org/sitemap-incidents.xml",
    ]


def test_the_sitemap_is_built_on_the_configured_base_url(client, db, settings, one_page):
    settings.TESSERA_BASE_URL = "https://tessera.example.org/data"
    incident = IncidentFactory()

    assert locations(client.get("/sitemap.xml")) == [
        "https://tessera.example.org/data/sitemap-pages.xml",
        "https://tessera.example.org/data/sitemap-incidents.xml",
    ]
    assert locations(client.get("/sitemap-incidents.xml")) == [
        f"https://tessera.example.org/data/incidents/{incident.public_id}/"
    ]


def test_robots_txt_keeps_crawlers_to_the_public_pages_and_names_the_sitemap(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ["/admin/", "/account/login/", "/account/token/", "/api/v1/", "/incidents/?"]:
        assert f"Disallow: {path}" in lines
    assert "Allow: /api/v1/docs/" in lines
    assert "Disallow: /incidents/" not in lines
    assert lines[-1] == "Sitemap: http://testserver/sitemap.xml"


@pytest.fixture
def corrected(db):
    """A record published, then corrected: version 2."""
    incident = IncidentFactory(
        title="Rockets <hit> the base </script>", summary="Two rockets & a drone."
    )
    incident.title = "Five rockets </script> hit the base"
    incident.save()
    return incident


def test_a_record_page_carries_the_citation_tags_of_its_version(client, corrected):
    head = Head(client.get(f"/incidents/{corrected.public_id}/").content.decode())
    public_id = corrected.public_id

    assert head.meta["citation_title"] == ["Five rockets </script> hit the base"]
    assert head.meta["citation_technical_report_number"] == [public_id]
    assert head.meta["citation_version"] == ["2"]
    assert head.meta["citation_publisher"] == ["Tessera"]
    assert head.meta["citation_publication_date"] == [f"{corrected.updated_at:%Y/%m/%d}"]
    assert head.meta["citation_online_date"] == [f"{corrected.created_at:%Y/%m/%d}"]
    assert head.meta["citation_public_url"] == [f"http://testserver/incidents/{public_id}/v/2/"]
    assert head.link("canonical") == f"http://testserver/incidents/{public_id}/"
    api = f"http://testserver/api/v1/incidents/{public_id}/"
    assert head.link("alternate", "application/json") == api
    assert head.link("alternate", "application/geo+json") == f"{api}?format=geojson"
    assert client.get(api).json()["public_id"] == public_id
    geojson = client.get(f"{api}?format=geojson")
    (feature,) = json.loads(b"".join(geojson.streaming_content))["features"]
    assert feature["properties"]["public_id"] == public_id


def test_an_earlier_version_page_carries_that_version(client, corrected):
    head = Head(client.get(f"/incidents/{corrected.public_id}/v/1/").content.decode())
    version_page = f"http://testserver/incidents/{corrected.public_id}/v/1/"

    assert head.meta["citation_title"] == ["Rockets <hit> the base </script>"]
    assert head.meta["citation_version"] == ["1"]
    assert head.meta["citation_public_url"] == [version_page]
    assert head.link("canonical") == version_page
    (linked_data,) = [json.loads(block) for block in head.json_ld]
    assert (linked_data["version"], linked_data["url"]) == ("1", version_page)


def test_the_json_ld_describes_the_record_and_cannot_close_its_script(client, corrected):
    page = client.get(f"/incidents/{corrected.public_id}/").content.decode()
    head = Head(page)

    (linked_data,) = [json.loads(block) for block in head.json_ld]
    assert linked_data["@type"] == "Dataset"
    assert linked_data["identifier"] == corrected.public_id
    assert linked_data["name"] == "Five rockets </script> hit the base"
    assert linked_data["version"] == "2"
    assert linked_data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert linked_data["temporalCoverage"] == "2022-01-05/2022-01-05"
    geo = linked_data["spatialCoverage"]["geo"]
    assert (geo["latitude"], geo["longitude"]) == (34.0, 43.0)
    # One `</script>` in the page's head: the block's own end.
    head_html = page.split("</head>")[0]
    assert len(re.findall("</script>", head_html)) == 1


def test_a_retracted_record_says_so_in_its_json_ld(client, db):
    incident = IncidentFactory(status="retracted")
    head = Head(client.get(f"/incidents/{incident.public_id}/").content.decode())

    (linked_data,) = [json.loads(block) for block in head.json_ld]
    assert linked_data["creativeWorkStatus"] == "retracted"
