"""GED's cells of several values come back byte for byte, separators and spaces included.

GED joins an event's sources with ";" in source_office, source_date and source_headline, and
some releases leave a space beside it ("persons ;57"). Tessera's citations hold the sources
without those spaces; the file's cells are kept with the incident and given back.
"""

from __future__ import annotations

import csv
import io

import pytest

from csvio.export import export_chunks
from csvio.imports import ImportReport, import_incidents
from csvio.layouts.ucdp import UCDP
from incidents.models import Incident, Source
from tests.csvio.test_ucdp_preset import as_csv, sample_rows

pytestmark = pytest.mark.django_db


def import_rows(rows: list[dict[str, str]]) -> ImportReport:
    return import_incidents(io.StringIO(as_csv(rows), newline=""), UCDP)


def exported() -> dict[str, dict[str, str]]:
    text = "".join(export_chunks(Incident.objects.order_by("id"), UCDP, "csv"))
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}


def two_sources(**cells: str) -> dict[str, str]:
    """A sample row turned into a report of two sources, as GED writes it."""
    row = dict(sample_rows()[0], id="900001", number_of_sources="2")
    row.update(
        {
            "source_office": "SOHR;Reuters",
            "source_date": "2016-01-01;2016-01-02",
            "source_headline": "Shelling killed 3 persons ;57 killed in Aleppo",
            "source_article": '"SOHR,2016-01-01,Shelling killed 3 persons ";'
            '"Reuters,2016-01-02,57 killed in Aleppo"',
            **cells,
        }
    )
    return row


def test_a_space_before_a_separator_comes_back():
    row = two_sources()

    assert import_rows([row]).problems == []

    assert exported()[row["id"]] == row
    # The citations are the sources, without GED's spaces.
    incident = Incident.objects.get()
    titles = [citation.source.title for citation in incident.citations.all()]
    assert titles == ["Shelling killed 3 persons", "57 killed in Aleppo"]


@pytest.mark.parametrize(
    "cells",
    [
        {"source_office": "SOHR ; Reuters", "source_date": "2016-01-01; 2016-01-02"},
        {"source_headline": " Shelling killed 3 persons ; 57 killed in Aleppo "},
        {"source_date": "2016-01-01 00:00:00.000;2016-01-02 00:00:00.000"},
        {"source_office": ";Reuters", "source_date": ";"},
        {"side_a": " Government of Syria ", "side_b": "Syrian insurgents\t"},
        {"conflict_name": "Syria: Government ", "source_original": " SOHR"},
    ],
    ids=["around", "outer", "times", "empty", "sides", "kept"],
)
def test_cells_of_several_values_come_back_byte_for_byte(cells):
    row = two_sources(**cells)

    assert import_rows([row]).problems == []

    assert exported()[row["id"]] == row
    assert import_rows([row]).unchanged == 1


def test_sources_that_cannot_be_told_apart_come_back_as_the_file_wrote_them():
    # Three headlines, two of them with semicolons of their own, and no source_article that
    # tells them apart: one source, named with all the publishers.
    row = two_sources(
        source_office="SOHR;Reuters;AFP",
        source_date="2016-01-01;2016-01-02;2016-01-03",
        source_headline="One &#8220;two&#8221; ;three",
        source_article="",
        number_of_sources="3",
    )

    assert import_rows([row]).problems == []

    assert Incident.objects.get().citations.get().source.publisher_id == "SOHR;Reuters;AFP"
    assert exported()[row["id"]] == row


def test_the_files_cells_give_way_once_the_sources_change():
    row = two_sources(source_office="SOHR ; Reuters")
    assert import_rows([row]).problems == []
    Source.objects.filter(publisher="SOHR").update(title="Shelling killed three")

    back = exported()[row["id"]]

    # The headlines say what the sources now say; the offices are still the file's.
    assert back["source_headline"] == "Shelling killed three;57 killed in Aleppo"
    assert back["source_office"] == "SOHR ; Reuters"


def test_sample_rows_with_spaces_around_their_separators_come_back():
    several = [row for row in sample_rows() if ";" in row["source_office"]][:20]
    assert len(several) == 20
    for row in several:
        for column in ("source_office", "source_date"):
            row[column] = row[column].replace(";", " ; ")

    assert import_rows(several).problems == []

    back = exported()
    for row in several:
        assert back[row["id"]] == row, row["id"]
