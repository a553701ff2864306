"""An import writes each incident's search document, search vector and independent-source
count with the row, as incidents.derived computes them in the database."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.db import connection

from csvio.export import export_chunks
from csvio.imports import import_incidents
from csvio.layouts.native import NATIVE
from csvio.layouts.ucdp import UCDP
from incidents.derived import refresh_incidents
from incidents.models import Incident
from incidents.search import matching

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "ucdp-ged-syria-2016-sample.csv"


def ged_rows(count: int = 40) -> list[dict[str, str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))[:count]


def as_csv(rows: list[dict[str, str]]) -> io.StringIO:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    text.seek(0)
    return text


def derived() -> dict[int, tuple]:
    fields = ["search_document", "independent_sources"]
    if connection.vendor == "postgresql":
        fields.append("search_vector")  # phrase search reads the words' positions
        return {row[0]: row[1:] for row in Incident.objects.values_list("pk", *fields)}
    # SQLite joins the actors' names in no set order, and matches words anywhere.
    return {
        pk: (sorted(document.split()), count)
        for pk, document, count in Incident.objects.values_list("pk", *fields)
    }


def assert_derived_as_refreshed() -> None:
    written = derived()
    refresh_incidents()
    assert derived() == written


def test_new_incidents_have_their_documents_and_counts():
    report = import_incidents(as_csv(ged_rows()), UCDP)

    assert report.problems == [] and report.created == 40
    assert all(document for document, *_ in derived().values())
    assert_derived_as_refreshed()


def test_reimport_that_changes_actors_and_sources_rewrites_documents_and_counts():
    rows = ged_rows()
    import_incidents(as_csv(rows), UCDP)
    rows[0]["side_b"] = "Liwa Suqour al-Sahel"
    rows[1]["source_office"] = "SOHR;Reuters"
    rows[1]["source_headline"] = "Clashes near Aleppo;Fighting in Aleppo"
    rows[1]["source_date"] = "2016-01-02;2016-01-03"

    report = import_incidents(as_csv(rows), UCDP)

    assert report.problems == [] and report.created == 0
    assert_derived_as_refreshed()
    [found] = matching(Incident.objects.all(), "Suqour")
    assert found.dataset_event_id == rows[0]["id"]
    assert Incident.objects.get(dataset_event_id=rows[1]["id"]).independent_sources == 2


def test_native_reimport_counts_republished_sources_once(seeded):
    green_village = Incident.objects.get(public_id="SYR-2022-00001")
    counted = green_village.independent_sources
    exported = "".join(export_chunks(Incident.objects.order_by("public_id"), NATIVE, "csv"))
    edited = exported.replace("Green Village", "Green Village base", 1)

    report = import_incidents(io.StringIO(edited), NATIVE)

    assert report.problems == [] and (report.updated, report.unchanged) == (1, 4)
    green_village.refresh_from_db()
    assert green_village.independent_sources == counted
    assert_derived_as_refreshed()
