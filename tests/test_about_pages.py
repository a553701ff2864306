"""About the data: the codebook, the methodology and licence, citing the dataset or a selection
of it, and the explorer's snippets for the same selection."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import bibtexparser
import pytest

from incidents import taxonomy
from tests.factories import IncidentFactory, LocationFactory


def text_of(response) -> str:
    """The page as a reader sees it: its text, without markup, spaces collapsed."""
    assert response.status_code == 200
    body = response.content.decode().split("<body>", 1)[1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_every_page_links_the_data_s_description(client, db):
    page = client.get("/").content.decode()

    assert '<a href="/about/">About the data</a>' in page


def test_the_about_page_links_the_codebook_methodology_feeds_and_citations(client, db):
    page = client.get("/about/").content.decode()

    for path in [
        "/about/codebook/",
        "/about/methodology/",
        "/incidents/feed.atom",
        "/incidents/retracted.atom",
        "/incidents/cite.bib",
        "/incidents/cite.json",
    ]:
        assert f'href="{path}"' in page


def test_the_codebook_defines_every_event_and_sub_event_type(client, db):
    shown = text_of(client.get("/about/codebook/"))

    for event_type, sub_types in taxonomy.ACLED_EVENT_TYPES.items():
        assert f"{event_type} {taxonomy.EVENT_TYPE_DEFINITIONS[event_type]}" in shown
        for sub_type in sub_types:
            assert f"{sub_type} {taxonomy.SUB_EVENT_TYPE_DEFINITIONS[sub_type]}" in shown


@pytest.mark.parametrize(
    ("choices", "definitions"),
    [
        (taxonomy.DatePrecision, taxonomy.DATE_PRECISION_PHRASES),
        (taxonomy.Confidence, taxonomy.CONFIDENCE_DEFINITIONS),
        (taxonomy.ActorRole, taxonomy.ACTOR_ROLE_DEFINITIONS),
        (taxonomy.Attribution, taxonomy.ATTRIBUTION_DEFINITIONS),
        (taxonomy.Outcome, taxonomy.OUTCOME_DEFINITIONS),
        (taxonomy.Damage, taxonomy.DAMAGE_DEFINITIONS),
    ],
)
def test_the_codebook_defines_every_value_of_each_vocabulary(client, db, choices, definitions):
    shown = text_of(client.get("/about/codebook/"))

    assert set(definitions) == set(choices)
    for value in choices:
        assert definitions[value], value
        assert f"{value.value} {value.label + ' ' if value.label != value.value else ''}" in shown
        assert definitions[value] in shown


def test_the_codebook_lists_precision_codes_weapons_and_says_unknown_is_not_zero(client, db):
    shown = text_of(client.get("/about/codebook/"))

    for code in taxonomy.GeoPrecision:
        assert f"{code.value} {code.label} ACLED geo_precision {code.acled}" in shown
    for weapon in taxonomy.Weapon:
        assert f"{weapon.value}" in shown
    assert taxonomy.UNKNOWN_IS_NOT_ZERO in shown
    for field, meaning in taxonomy.COUNT_DEFINITIONS.items():
        assert f"{field} {meaning}" in shown


def test_the_licence_and_methodology_come_from_the_settings(client, db, settings, tmp_path):
    settings.TESSERA_LICENCE_NAME = "ODbL 1.0"
    settings.TESSERA_LICENCE_URL = "https://opendatacommons.org/licenses/odbl/1-0/"
    (tmp_path / "about").mkdir()
    (tmp_path / "about" / "methodology_text.html").write_text("<p>Coded by our own rules.</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]

    page = client.get("/about/methodology/").content.decode()

    assert (
        '<a href="https://opendatacommons.org/licenses/odbl/1-0/" rel="license">ODbL 1.0</a>'
        in page
    )
    assert "<p>Coded by our own rules.</p>" in page
    assert "How a record is made" not in page


def test_the_demo_licence_is_cc_by(client, db):
    page = client.get("/about/methodology/").content.decode()

    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in page
    assert "How a record is made" in page


# --- citing the dataset ------------------------------------------------------------------------


@pytest.fixture
def dataset(db):
    syria = LocationFactory(country="SYR")
    iraqi = IncidentFactory.create_batch(2)
    IncidentFactory(location=syria)
    IncidentFactory(status="draft")
    IncidentFactory(status="retracted")
    return iraqi


def _bibtex(response) -> dict[str, str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    (entry,) = bibtexparser.loads(response.content.decode()).entries
    return entry


def test_a_selection_is_cited_with_its_query_count_and_latest_change(client, dataset):
    entry = _bibtex(client.get("/incidents/cite.bib?country=IRQ"))
    latest = max(incident.updated_at for incident in dataset).astimezone(dt.UTC)

    assert entry["url"] == "http://testserver/incidents/?country=IRQ"
    assert entry["title"] == "{Tessera: armed-conflict incidents, selection country=IRQ}"
    assert entry["version"] == f"{latest:%Y-%m-%d %H:%M:%S} UTC"
    assert entry["note"].startswith(f"2 records, latest change {latest:%Y-%m-%d %H:%M:%S} UTC")
    assert entry["urldate"] == f"{dt.date.today():%Y-%m-%d}"


def test_the_whole_dataset_is_its_published_records(client, dataset):
    entry = _bibtex(client.get("/incidents/cite.bib"))

    assert entry["url"] == "http://testserver/incidents/"
    assert entry["note"].startswith("3 records, ")


def test_the_csl_json_of_a_selection_holds_its_count(client, dataset):
    response = client.get("/incidents/cite.json", {"country": "SYR"})

    assert response.status_code == 200
    (item,) = json.loads(response.content)
    assert item["type"] == "dataset"
    assert item["URL"] == "http://testserver/incidents/?country=SYR"
    assert item["custom"] == {"records": 1, "query": "country=SYR"}
    assert item["note"].startswith("1 record, latest change ")


def test_an_empty_selection_is_cited_as_such(client, dataset):
    (item,) = json.loads(client.get("/incidents/cite.json", {"country": "FRA"}).content)

    assert item["custom"]["records"] == 0
    assert item["version"] == "no record"


@pytest.mark.parametrize("path", ["/incidents/cite.bib", "/incidents/cite.json"])
def test_a_bad_filter_in_a_citation_is_a_400_naming_it(client, db, path):
    response = client.get(path, {"country": "IRQ", "fatalities_min": "many"})

    assert response.status_code == 400
    assert response.content.decode().startswith("fatalities_min: ")


def test_citing_a_selection_takes_the_same_queries_however_many_records(
    client, dataset, django_assert_num_queries
):
    # The request's transaction, then the count and the latest change in one query.
    with django_assert_num_queries(2 + 1):
        client.get("/incidents/cite.json?country=IRQ")


# --- the explorer's selection, elsewhere --------------------------------------------------------


def test_the_explorer_offers_its_selection_to_pandas_r_feeds_and_citations(client, dataset):
    page = client.get("/incidents/?country=IRQ&ordering=date&page_size=1").content.decode()
    csv = (
        "http://testserver/api/v1/incidents/export/?country=IRQ&amp;ordering=date&amp;preset=native"
    )

    assert f'incidents = pd.read_csv("{csv}")' in page
    assert f'incidents &lt;- read.csv("{csv}", encoding = "UTF-8")' in page
    for route in ["incidents/cite.bib", "incidents/cite.json"]:
        assert f'href="http://testserver/{route}?country=IRQ&amp;ordering=date"' in page
    for feed in ["feed.atom", "retracted.atom"]:
        url = f"http://testserver/incidents/{feed}?country=IRQ&amp;ordering=date"
        alternate = (
            rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
            rf'href="{re.escape(url)}">'
        )
        assert re.search(alternate, page), feed


def test_the_snippets_csv_holds_the_pages_incidents(client, dataset):
    page = client.get("/incidents/?country=IRQ").content.decode()
    (csv_url,) = set(re.findall(r'read_csv\("([^"]+)"\)', page))

    response = client.get(html.unescape(csv_url))
    rows = b"".join(response.streaming_content).decode().splitlines()

    assert len(rows) == 1 + 2
    assert {incident.public_id for incident in dataset} <= {row.split(",")[0] for row in rows}
