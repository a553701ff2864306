"""Publishers are records with aliases and web domains: a source can be made from its URL
alone, and AP and Associated Press are one publisher to the admin, the API, the filters and
the importer, while exports keep printing the publisher's name."""

from __future__ import annotations

import csv
import io
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from csvio.export import export_chunks
from csvio.imports import import_incidents
from csvio.layouts.native import NATIVE
from incidents.models import Incident, Publisher, Source
from tests.factories import CitationFactory, IncidentFactory, PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db

REPORT_URL = "https://apnews.com/article/iraq-baghdad-airport-rockets-5d1e0c9a7b3f"
SOURCE_ADD = reverse("admin:incidents_source_add")


@pytest.fixture
def ap(db) -> Publisher:
    return PublisherFactory(
        name="AP", aliases="Associated Press", domains="apnews.com", source_type="wire"
    )


def test_a_source_made_from_its_url_alone_is_attributed_and_named_by_it(analyst_client, ap):
    response = analyst_client.post(SOURCE_ADD, {"url": REPORT_URL})

    assert response.status_code == 302
    source = Source.objects.get(url=REPORT_URL)
    assert (source.publisher, source.title, source.source_type) == (ap, "", "wire")
    listed = analyst_client.get(reverse("admin:incidents_source_changelist")).content.decode()
    assert "apnews.com › iraq baghdad airport rockets" in listed


def test_a_subdomain_of_a_listed_domain_is_the_publishers_too(analyst_client, ap):
    analyst_client.post(SOURCE_ADD, {"url": "https://www.apnews.com/hub/iraq"})

    assert Source.objects.get().publisher == ap


def test_a_url_no_publisher_lists_asks_for_the_publisher(analyst_client, ap):
    response = analyst_client.post(SOURCE_ADD, {"url": "https://example.org/rockets"})

    errors = response.context["adminform"].form.errors
    assert errors["publisher"] == ["Choose the publisher: none lists example.org."]
    assert not Source.objects.exists()


def test_a_source_without_url_needs_a_title(analyst_client, ap):
    response = analyst_client.post(SOURCE_ADD, {"publisher": "AP", "source_type": "wire"})

    errors = response.context["adminform"].form.errors
    assert errors["title"] == ["Give the source's title, its URL, or both."]


def test_the_add_source_popup_of_a_citation_returns_the_new_source(analyst_client, ap):
    response = analyst_client.post(
        f"{SOURCE_ADD}?_to_field=id&_popup=1", {"url": REPORT_URL, "_popup": "1"}
    )

    source = Source.objects.get(url=REPORT_URL)
    assert response.status_code == 200
    assert b"popup_response" in response.content
    assert "AP: apnews.com \\u203a iraq baghdad airport rockets" in response.content.decode()
    assert str(source.pk) in response.content.decode()


def test_publishers_are_found_by_alias_in_the_sources_autocomplete(analyst_client, ap):
    response = analyst_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "associated",
            "app_label": "incidents",
            "model_name": "source",
            "field_name": "publisher",
        },
    )

    assert response.json()["results"] == [{"id": "AP", "text": "AP"}]


def test_a_publishers_name_is_kept_once_it_is_saved(editor_client, ap):
    page = editor_client.get(reverse("admin:incidents_publisher_change", args=[ap.pk]))

    assert '<input type="text" name="name"' not in page.content.decode()
    assert "apnews.com" in page.content.decode()


def test_the_api_writes_a_source_from_its_url_and_reads_the_publishers_name(
    analyst_client, analyst, ap
):
    api = APIClient()
    api.force_authenticate(analyst)

    created = api.post("/api/v1/sources/", {"source_url": REPORT_URL}, format="json")
    by_alias = api.post(
        "/api/v1/sources/",
        {"title": "Rockets", "publisher": "Associated Press", "source_type": "wire"},
        format="json",
    )
    unknown = api.post("/api/v1/sources/", {"source_url": "https://example.org/x"}, format="json")

    assert created.status_code == 201, created.json()
    assert (created.json()["publisher"], created.json()["title"]) == ("AP", "")
    assert by_alias.status_code == 201 and by_alias.json()["publisher"] == "AP"
    assert unknown.status_code == 400
    assert unknown.json()["publisher"] == ["Choose the publisher: none lists example.org."]
    assert Publisher.objects.count() == 1


def test_the_publisher_filter_matches_aliases(ap):
    cited = IncidentFactory()
    CitationFactory(incident=cited, source=SourceFactory(publisher=ap))
    CitationFactory(incident=IncidentFactory(), source=SourceFactory(publisher="Reuters"))

    found = APIClient().get("/api/v1/incidents/", {"publisher": "associated press"}).json()

    assert [row["public_id"] for row in found["results"]] == [cited.public_id]


def test_exports_print_the_publishers_name(ap):
    incident = IncidentFactory()
    CitationFactory(incident=incident, source=SourceFactory(publisher=ap, url=REPORT_URL))

    exported = "".join(export_chunks(Incident.objects.all(), NATIVE, "csv"))

    [row] = csv.DictReader(io.StringIO(exported))
    assert row["source_publishers"] == "AP"


def file_of(incident: Incident, **changes: str) -> io.StringIO:
    """The incident's native row, with `changes`, as a file to import."""
    exported = export_chunks(Incident.objects.filter(pk=incident.pk), NATIVE, "csv")
    [row] = csv.DictReader(io.StringIO("".join(exported)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow({**row, **changes})
    return io.StringIO(out.getvalue())


def test_an_import_naming_a_publisher_by_its_alias_cites_the_existing_source(ap):
    incident = IncidentFactory()
    stored = SourceFactory(publisher=ap, title="Rockets hit Baghdad airport")
    CitationFactory(incident=incident, source=stored)
    file = file_of(
        incident,
        public_id="",
        title="The same report, another record",
        source_publishers="Associated Press",
    )

    report = import_incidents(file, NATIVE)

    assert (report.problems, report.created, report.created_sources) == ([], 1, [])
    imported = Incident.objects.get(title="The same report, another record")
    assert [c.source for c in imported.citations.all()] == [stored]
    assert Publisher.objects.count() == 1


def test_an_import_naming_a_new_publisher_creates_it(ap):
    incident = IncidentFactory()
    CitationFactory(incident=incident, source=SourceFactory(publisher=ap, title="Rockets"))

    report = import_incidents(file_of(incident, public_id="", source_publishers="Reuters"), NATIVE)

    assert report.problems == []
    assert report.created_sources == ["Reuters: Rockets"]
    assert Source.objects.get(publisher="Reuters").title == "Rockets"


def test_migration_0012_makes_a_publisher_of_each_name_sources_held():
    migration = import_module("incidents.migrations.0012_publishers")
    SourceFactory(publisher="Al Arabiya")
    SourceFactory(publisher="Al Arabiya")
    SourceFactory(publisher="Track Persia")
    # As before the migration: names in the sources' column, no publisher records.
    # Foreign keys are checked at the end of the transaction, which the test rolls back.
    Publisher.objects.all()._raw_delete(connection.alias)

    migration.publishers_from_sources(apps, connection.schema_editor())

    assert sorted(Publisher.objects.values_list("name", flat=True)) == [
        "Al Arabiya",
        "Track Persia",
    ]
    assert {source.publisher.name for source in Source.objects.all()} == {
        "Al Arabiya",
        "Track Persia",
    }
