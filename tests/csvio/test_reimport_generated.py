"""Tessera's exports of generated data (bench.generator: realistic skew of countries, dates,
actors, places and sources) re-import with every row, in each layout: into an empty database
they give the same incidents, whose export is the file again; into the same database they
change nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Model

from csvio.export import export_chunks
from csvio.imports import import_incidents
from csvio.layouts import PRESETS
from geo.models import Location
from incidents.models import (
    Actor,
    Citation,
    Incident,
    IncidentActor,
    IncidentRelation,
    PublicIdCounter,
    Source,
    Tag,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# PostgreSQL, the production database, re-imports the full 20,000 rows in each layout; SQLite,
# on which the import is the same code but several times slower, a sample of the same data.
ROWS = {"postgresql": 20_000, "sqlite": 4_000}
# The column that names each row's record, by which both files are ordered.
ID_COLUMN = {"native": "public_id", "acled": "event_id_cnty", "ucdp": "id"}
# What an import writes anew: ACLED's `timestamp` is the time Tessera last wrote the record.
REWRITTEN = {"native": set(), "acled": {"timestamp"}, "ucdp": set()}
# Not rows lost, but what a row of these layouts cannot yet bring back whole: an actor named
# twice in a record with two attributions (a perpetrator "suspected", a target "alleged")
# comes back from ACLED's layout with one of them; an actor on both sides comes back from
# UCDP's on side A only.
KNOWN_DIFFERENCES = {"native": set(), "acled": {"tags"}, "ucdp": {"side_b"}}


def empty_database() -> None:
    """Delete every incident and what it names, in SQL: the ORM would first write a history
    entry for each."""
    tables: list[type[Model]] = [
        IncidentRelation, Citation, IncidentActor, Incident.tags.through, Incident,
        Actor.backed_by.through, Actor, Source, Location, Tag, PublicIdCounter,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def exported_again(layout: str) -> str:
    """Every imported record (an import from a dataset's layout writes no published ones)."""
    incidents = Incident.objects.all()
    return "".join(export_chunks(incidents, PRESETS[layout], "csv", links_to=incidents))


def exported(layout: str) -> str:
    preset = PRESETS[layout]
    # UCDP's as GED holds them: an incident without a UCDP type of violence has no GED row.
    incidents = preset.export_queryset(Incident.objects.all(), include_all=layout != "ucdp")
    return "".join(export_chunks(incidents, preset, "csv", links_to=Incident.objects.all()))


def rows(layout: str, text: str) -> list[dict[str, str]]:
    """The file's rows in the order of their ids, without the cells an import writes anew."""
    read = [
        {name: cell for name, cell in row.items() if name not in REWRITTEN[layout]}
        for row in csv.DictReader(io.StringIO(text))
    ]
    return sorted(read, key=lambda row: row[ID_COLUMN[layout]])


def differences(layout: str, after: str, before: str) -> set[str]:
    """The columns in which a row of `after` differs from the same row of `before`."""
    after_rows, before_rows = rows(layout, after), rows(layout, before)
    assert [row[ID_COLUMN[layout]] for row in after_rows] == [
        row[ID_COLUMN[layout]] for row in before_rows
    ]
    return {
        name
        for ours, theirs in zip(after_rows, before_rows, strict=True)
        for name in ours
        if ours[name] != theirs[name]
    }


def test_generated_exports_re_import_with_every_row_in_each_layout():
    count = ROWS[connection.vendor]
    call_command("generate_incidents", "--count", str(count), "--seed", "15", stdout=io.StringIO())
    files = {layout: exported(layout) for layout in ID_COLUMN}
    counts = {layout: len(rows(layout, text)) for layout, text in files.items()}
    assert counts["native"] == count and min(counts.values()) >= count // 5
    for layout, text in files.items():
        empty_database()

        report = import_incidents(io.StringIO(text), PRESETS[layout])

        assert report.problems[:3] == []
        assert (report.created, report.updated) == (counts[layout], 0)
        assert Incident.objects.count() == counts[layout]
        assert differences(layout, exported_again(layout), text) <= KNOWN_DIFFERENCES[layout]

        again = import_incidents(io.StringIO(text), PRESETS[layout])

        assert again.problems[:3] == []
        assert (again.created, again.updated, again.rows_with_problems) == (0, 0, 0)
