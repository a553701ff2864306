"""The dry run says what becomes of each row, every problem of a row, and "skipped" only when
skipping was asked."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from csvio.imports import import_incidents
from csvio.imports import report as reports
from csvio.imports.report import NEW, PROBLEM, UNCHANGED, UPDATED
from csvio.layouts.native import NATIVE
from incidents.models import Incident, Source
from tests.csvio.test_native_preset import as_csv, native_export, rows_of

pytestmark = pytest.mark.django_db


def mixed_file() -> str:
    """The five seeded records (the first retitled), a new record, and a new record with a
    bad date and an unknown event type."""
    rows = rows_of(native_export())
    rows[0]["title"] = "Retitled on import"
    new = dict(rows[1], public_id="", dataset="", dataset_event_id="", title="A new record")
    bad = dict(new, title="Twice wrong", date_start="2022-13-45", event_type="Rocket attack")
    return as_csv([*rows, new, bad])


def test_the_dry_run_lists_each_rows_fate(seeded):
    ids = [row["public_id"] for row in rows_of(native_export())]

    report = import_incidents(io.StringIO(mixed_file()), NATIVE, dry_run=True)

    fates = [(fate.row, fate.fate, fate.public_id) for fate in report.row_fates]
    assert fates == [
        (2, UPDATED, ids[0]),
        (3, UNCHANGED, ids[1]),
        (4, UNCHANGED, ids[2]),
        (5, UNCHANGED, ids[3]),
        (6, UNCHANGED, ids[4]),
        (7, NEW, ""),
        (8, PROBLEM, ""),
    ]
    stored = Incident.objects.get(public_id=ids[0])
    assert report.row_fates[0].pk == stored.pk
    assert (report.created, report.updated, report.unchanged, report.rows_with_problems) == (
        1,
        1,
        4,
        1,
    )
    assert stored.title != "Retitled on import"
    assert not Incident.objects.filter(title="A new record").exists()


def test_a_row_with_two_problems_shows_both_on_their_columns(seeded):
    report = import_incidents(io.StringIO(mixed_file()), NATIVE, dry_run=True)

    [problem_row] = [fate for fate in report.row_fates if fate.fate == PROBLEM]
    assert {(problem.row, problem.column) for problem in problem_row.problems} == {
        (8, "date_start"),
        (8, "event_type"),
    }


def test_nothing_is_skipped_unless_skipping_was_asked(seeded):
    before = Incident.objects.count()

    refused = import_incidents(io.StringIO(mixed_file()), NATIVE)
    skipped = import_incidents(io.StringIO(mixed_file()), NATIVE, skip_bad_rows=True)

    assert not refused.written
    assert "skipped" not in refused.summary()
    assert refused.summary().startswith(
        "Read in the Tessera native layout (as chosen). Nothing was written: fix the rows "
        "below, or skip bad rows. Had it been written, its 7 rows would have made 1 new "
        "incident, 1 updated, 4 unchanged, 1 row with problems (2 problems)."
    )
    assert skipped.written
    assert "1 row skipped (2 problems). Written." in skipped.summary()
    assert Incident.objects.count() == before + 1


def test_a_dry_run_without_skipping_says_importing_would_write_nothing(seeded):
    report = import_incidents(io.StringIO(mixed_file()), NATIVE, dry_run=True)

    assert "skipped" not in report.summary()
    assert "importing would write nothing: fix the rows below, or skip bad rows" in (
        report.summary()
    )


def test_a_long_file_lists_its_first_rows_with_exact_totals_and_writes_every_row(
    seeded, monkeypatch
):
    monkeypatch.setattr(reports, "ROWS_KEPT", 3)
    every_row = io.StringIO()

    report = import_incidents(io.StringIO(mixed_file()), NATIVE, dry_run=True, row_file=every_row)

    assert [fate.row for fate in report.row_fates] == [2, 3, 4]
    assert not report.all_rows_kept
    assert (report.rows, report.created, report.unchanged) == (7, 1, 4)
    written = list(csv.DictReader(io.StringIO(every_row.getvalue())))
    assert [(row["row"], row["fate"]) for row in written][-2:] == [("7", NEW), ("8", PROBLEM)]
    assert "date_start:" in written[-1]["problems"] and "event_type:" in written[-1]["problems"]


def test_the_admin_dry_run_page_links_each_stored_record_and_offers_every_row(
    editor_client, seeded, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    first = Incident.objects.get(public_id=rows_of(native_export())[0]["public_id"])

    response = editor_client.post(
        reverse("admin:incidents_incident_import"),
        {"file": SimpleUploadedFile("mixed.csv", mixed_file().encode()), "create_missing": "on"},
    )

    page = response.content.decode()
    change = reverse("admin:incidents_incident_change", args=[first.pk])
    assert f'<a href="{change}">{first.public_id}</a>' in page
    assert '<span class="fate fate-updated">updated</span>' in page
    assert "<strong>event_type</strong>" in page and "<strong>date_start</strong>" in page
    assert "skipped" not in page
    assert "Import this file" not in page
    download = editor_client.get(
        reverse("admin:incidents_incident_import_rows", args=[response.context["rows"]])
    )
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert lines[0] == "row,fate,public_id,problems" and len(lines) == 8


def test_the_row_report_is_for_editors_and_named_strictly(analyst_client, editor_client):
    url = reverse("admin:incidents_incident_import_rows", args=["..settings.py"])

    assert analyst_client.get(url).status_code == 403
    assert editor_client.get(url).status_code == 404


def test_a_failed_import_writes_no_source(seeded):
    rows = rows_of(mixed_file())
    rows[5]["source_urls"] = "https://example.org/never-cited"

    import_incidents(io.StringIO(as_csv(rows)), NATIVE)

    assert not Source.objects.filter(url="https://example.org/never-cited").exists()
