"""The COPY statement is generated from a layout's columns; checked on every database.

PostgreSQL runs the statement only where it is the database (test_copy_export.py compares its
bytes with what the columns' Python writes). Here the generated SELECT is read, so that the
SQLite suite fails too when a layout's SQL and its columns drift apart: the SELECT writes
exactly the layout's columns, in order, and a column deleted from a layout is gone from the
Python export, from the SELECT (with the joins only it read) and from the import.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re

import pytest

from csvio.copy import copy_statement, readable_query
from csvio.export import CHUNK_SIZE, csv_lines, export_chunks, with_export_columns
from csvio.imports import import_incidents
from csvio.layouts import PRESETS
from csvio.layouts.acled import ACLED
from csvio.layouts.base import Column, Preset
from csvio.layouts.native import NATIVE
from csvio.layouts.sql import CellQuery, unwritable
from csvio.layouts.ucdp import UCDP
from incidents.models import Incident
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db
LAYOUTS = list(PRESETS.values())
# Only the SELECT list, before the incidents, names its cells in double quotes.
CELL_NAME = re.compile(r' AS "([^"]*)"')


def selected(statement: str) -> list[str]:
    """The names of the cells a generated SELECT writes, in order."""
    cells, _ = statement.split("\nFROM unnest(ARRAY(")
    return CELL_NAME.findall(cells)


def without(layout: Preset, *names: str) -> Preset:
    return dataclasses.replace(
        layout, columns=[column for column in layout.columns if column.name not in names]
    )


def python_header(incidents, layout: Preset) -> list[str]:
    rows = with_export_columns(incidents, Incident.objects.all()).iterator(chunk_size=CHUNK_SIZE)
    return next(csv.reader(io.StringIO("".join(csv_lines(rows, layout.columns)))))


def by_name(layout: Preset):
    return layout.name


@pytest.mark.parametrize("layout", LAYOUTS, ids=by_name)
def test_every_column_of_every_layout_has_its_sql(layout):
    assert [column.name for column in layout.columns if column.sql is None] == []
    assert layout.copies


@pytest.mark.parametrize("layout", LAYOUTS, ids=by_name)
def test_the_select_writes_exactly_the_layout_s_columns_in_order(seeded, layout):
    statement, _ = readable_query(Incident.objects.all(), layout)

    assert selected(statement) == layout.header


@pytest.mark.parametrize("layout", LAYOUTS, ids=by_name)
def test_a_column_deleted_from_a_layout_is_gone_from_both_export_paths(seeded, layout):
    incidents = Incident.objects.order_by("id")
    for column in layout.columns:
        smaller = without(layout, column.name)
        rest = [name for name in layout.header if name != column.name]

        statement, _ = readable_query(incidents, smaller)

        assert selected(statement) == rest, column.name
        assert python_header(incidents, smaller) == rest, column.name


@pytest.mark.parametrize(
    ("layout", "columns", "join"),
    [
        (NATIVE, ["relations"], "rel"),
        (NATIVE, ["origin_" + part for part in ("location", "latitude", "longitude")], None),
        (NATIVE, ["tags"], "t"),
        (ACLED, ["source"], "c"),
        (ACLED, ["iso", "region", "country"], "k"),
        (ACLED, ["location", "admin2"], "n"),
        (ACLED, ["tags"], "at"),
        (UCDP, ["source_office", "source_date", "source_headline"], "sk"),
        (UCDP, ["low", "best", "high"], "e"),
    ],
)
def test_a_join_only_deleted_columns_read_is_gone_from_the_select(seeded, layout, columns, join):
    _, whole = readable_query(Incident.objects.all(), layout)
    statement, smaller = readable_query(Incident.objects.all(), without(layout, *columns))

    if join is None:  # the origin's columns but one still read it
        assert smaller.joined == whole.joined
        return
    assert join in whole.joined
    assert join not in smaller.joined
    assert f" AS {join} " not in statement and f" AS {join}(" not in statement


def test_a_layout_without_links_asks_nobody_which_records_the_reader_may_see():
    assert NATIVE.lists_links
    assert not without(NATIVE, "relations").lists_links
    assert not ACLED.lists_links and not UCDP.lists_links


def test_the_limit_of_a_column_s_sql_goes_with_the_column(seeded):
    query = CellQuery(Incident.objects.all(), "SELECT 1")

    assert "jsonb_each" in unwritable(NATIVE.columns, query)  # dataset_fields' JSON
    assert unwritable(without(NATIVE, "dataset_fields").columns, query) is None
    assert "admin3" in unwritable(ACLED.columns, query)
    assert "admin3" not in unwritable(without(ACLED, "admin3").columns, query)


def test_a_layout_with_a_column_without_sql_is_written_in_python():
    IncidentFactory(title="Written by Python")
    shouting = Column("shouting", lambda incident: incident.title.upper())
    layout = dataclasses.replace(NATIVE, columns=[*NATIVE.columns, shouting])

    text = "".join(export_chunks(Incident.objects.all(), layout, "csv"))

    assert not layout.copies
    assert copy_statement(Incident.objects.all(), layout) is None
    assert text.splitlines()[0].endswith(",shouting")
    assert text.splitlines()[1].endswith(",WRITTEN BY PYTHON")


def test_a_column_deleted_from_a_layout_is_not_read_on_import(editor):
    incident = IncidentFactory(title="Old title", summary="The stored summary")
    everything = "".join(export_chunks(Incident.objects.all(), NATIVE, "csv"))
    changed = everything.replace("Old title", "New title").replace(
        "The stored summary", "The file's summary"
    )
    smaller = without(NATIVE, "summary")

    report = import_incidents(io.StringIO(changed), smaller, user=editor)

    assert report.problems == []
    incident.refresh_from_db()
    assert (incident.title, incident.summary) == ("New title", "The stored summary")
    # Its own export, without the column, reads back without it being missed.
    own = "".join(export_chunks(Incident.objects.all(), smaller, "csv"))
    assert "summary" not in own.splitlines()[0].split(",")
    assert import_incidents(io.StringIO(own), smaller, user=editor).problems == []
    assert import_incidents(io.StringIO(own), NATIVE, user=editor).problems[0].column == "summary"
