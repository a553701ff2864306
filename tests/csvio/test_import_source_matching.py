"""An import finds a stored source by its URL however it is spelt, before creating any."""

from __future__ import annotations

import io

import pytest

from csvio.imports import import_incidents
from csvio.layouts.native import NATIVE
from incidents.models import Citation, Source
from incidents.source_urls import normalised_url
from tests.csvio.test_native_preset import as_csv, fifteen_new_rows, native_export, rows_of
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

STORED = "https://apnews.com/article/baghdad-airport-rockets-1a2b3c?id=7"


@pytest.mark.parametrize(
    "spelling",
    [
        "https://apnews.com/article/baghdad-airport-rockets-1a2b3c?id=7",
        "HTTPS://APNews.com/article/baghdad-airport-rockets-1a2b3c/?id=7",
        "https://apnews.com:443/article/baghdad-airport-rockets-1a2b3c?utm_source=tw&id=7",
        "https://apnews.com/article/baghdad-airport-rockets-1a2b3c?id=7&utm_medium=social#top",
    ],
)
def test_spellings_of_one_address_have_one_key(spelling):
    assert normalised_url(spelling) == normalised_url(STORED) == STORED


def test_what_tells_addresses_apart_is_kept():
    assert normalised_url("https://x.org/Article") != normalised_url("https://x.org/article")
    assert normalised_url("https://x.org/a?id=7") != normalised_url("https://x.org/a?id=8")
    assert normalised_url("not a url ") == "not a url"


@pytest.mark.parametrize(
    "stored, in_file",
    [
        (STORED, "HTTPS://APNews.com/article/baghdad-airport-rockets-1a2b3c/?id=7&utm_source=x"),
        ("https://APNEWS.com/article/baghdad-airport-rockets-1a2b3c/?utm_campaign=y&id=7", STORED),
    ],
    ids=["file-spelt-otherwise", "stored-spelt-otherwise"],
)
def test_an_existing_source_is_matched_by_its_url_and_none_is_created(seeded, stored, in_file):
    source = SourceFactory(
        title="Rockets hit Baghdad airport",
        publisher="Associated Press",
        url=stored,
        source_type="news",
    )
    rows = fifteen_new_rows(rows_of(native_export())[2])[:1]
    rows[0].update(
        source_urls=in_file, source_publishers="AP", source_titles="Rockets at the airport"
    )
    sources = Source.objects.count()

    report = import_incidents(io.StringIO(as_csv(rows)), NATIVE)

    assert report.written and report.created_sources == []
    assert Source.objects.count() == sources
    assert Citation.objects.filter(
        incident__title="Imported rocket attack 0", source=source
    ).exists()


def test_a_source_edited_to_another_url_is_found_by_it(seeded):
    source = SourceFactory(title="T", publisher="P", url="https://a.org/x", source_type="news")
    source.url = "https://B.org/y/"
    source.save(update_fields=["url"])

    assert Source.objects.get(url_key="https://b.org/y") == source
