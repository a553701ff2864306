"""The native layout carries the links between records, by public id: the record a merged
duplicate points to (`duplicate_of`) and the relations a record has to others (`relations`).
An export lists only links to records its reader may see; an import writes the links once the
records they name exist, anywhere in Tessera or further down the file, and never removes one."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from csvio.export import export_chunks
from csvio.imports import import_incidents
from csvio.imports import importer as imports
from csvio.layouts.native import NATIVE
from incidents.merging import merge, merge_problems
from incidents.models import Incident, IncidentRelation
from tests.csvio.test_import_derived import as_csv
from tests.csvio.test_native_preset import empty_database
from tests.factories import IncidentFactory


def native_export() -> str:
    """Every record, in public-id order: rows imported in another order export the same."""
    incidents = Incident.objects.order_by("public_id")
    return "".join(export_chunks(incidents, NATIVE, "csv", links_to=Incident.objects.all()))


pytestmark = pytest.mark.django_db

EXPORT_URL = "/api/v1/incidents/export/"


def rows_of(text: str) -> dict[str, dict[str, str]]:
    return {row["public_id"]: row for row in csv.DictReader(io.StringIO(text))}


def staff_export() -> str:
    everything = Incident.objects.order_by("public_id")
    return "".join(export_chunks(everything, NATIVE, "csv", links_to=Incident.objects.all()))


def relations() -> set[tuple[str, str, str]]:
    return set(
        IncidentRelation.objects.values_list(
            "from_incident__public_id", "kind", "to_incident__public_id"
        )
    )


@pytest.fixture
def merged(seeded, editor):
    """The seed, with its two Ain al-Asad drone reports merged as one event."""
    duplicate, kept = seeded["4"], seeded["3"]
    merge(duplicate, kept, user=editor)
    return duplicate.public_id, kept.public_id


def test_the_native_export_lists_merges_and_relations_by_public_id(merged):
    duplicate, kept = merged

    rows = rows_of(native_export())

    assert rows[duplicate]["duplicate_of"] == kept
    assert rows[duplicate]["relations"] == f"same event as {kept}"
    assert rows[kept]["duplicate_of"] == ""
    responses = [row for row in rows.values() if row["relations"].startswith("response to ")]
    assert responses  # the coalition's return fire answers the Green Village attack


@pytest.mark.parametrize(("batch_size", "reversed_rows"), [(5000, False), (1, False), (2, True)])
def test_links_survive_a_round_trip_through_an_empty_database(
    merged, monkeypatch, batch_size, reversed_rows
):
    monkeypatch.setattr(imports, "BATCH_SIZE", batch_size)
    first = native_export()
    links = relations()
    Incident.objects.update(duplicate_of=None)  # a kept record cannot go while merged into
    empty_database()
    rows = list(rows_of(first).values())

    report = import_incidents(as_csv(rows[::-1] if reversed_rows else rows), NATIVE)

    assert report.problems == []
    # Whatever the order of rows and batches: written, then merged.
    assert Incident.objects.get(public_id=merged[0]).version == 2
    assert relations() == links
    assert native_export() == first
    duplicate, kept = merged
    assert Incident.objects.get(public_id=duplicate).duplicate_of.public_id == kept
    # The restored duplicate still redirects to the record kept.
    response = APIClient().get(f"/api/v1/incidents/{duplicate}/")
    assert response.status_code == 301 and kept in response["Location"]


def test_a_link_to_a_record_further_down_the_file_is_written(db):
    first = IncidentFactory(status="published")
    second = IncidentFactory(status="published")
    text = native_export()
    file_rows = list(rows_of(text).values())
    empty_database()
    file_rows[0]["relations"] = f"response to {file_rows[1]['public_id']}"
    file_rows[1]["relations"] = f"part of series {file_rows[0]['public_id']}"

    report = import_incidents(as_csv(file_rows), NATIVE)

    assert report.problems == []
    assert relations() == {
        (first.public_id, "response to", second.public_id),
        (second.public_id, "part of series", first.public_id),
    }


def test_importing_the_file_again_adds_no_link_and_an_empty_cell_removes_none(merged):
    links = relations()
    history = IncidentRelation.history.count()
    text = native_export()
    rows = list(rows_of(text).values())
    for row in rows:
        row["relations"] = ""

    again = import_incidents(io.StringIO(text), NATIVE)
    emptied = import_incidents(as_csv(rows), NATIVE)

    assert again.problems == emptied.problems == []
    assert (again.unchanged, emptied.unchanged) == (5, 5)
    assert relations() == links
    assert IncidentRelation.history.count() == history


RETRACTED = {"status": "retracted", "retraction_reason": "Same event."}


@pytest.mark.parametrize(
    ("column", "cell", "message", "cells"),
    [
        ("relations", "response to SYR-2031-00009", "No incident SYR-2031-00009 exists", {}),
        ("relations", "inspired by SYR-2022-00001", "is not a relation like", {}),
        ("relations", "response to SYR-2022-1", "is not a public id", {}),
        ("duplicate_of", "SYR-2031-00009", "No incident SYR-2031-00009 exists", RETRACTED),
        ("duplicate_of", "SYR-2022-00002", "retracted", {}),  # the row's record is published
    ],
)
def test_a_bad_link_is_reported_on_its_row_and_nothing_is_written(
    seeded, editor, column, cell, message, cells
):
    rows = sorted(rows_of(native_export()).values(), key=lambda row: row["public_id"])
    green_village = next(i for i, row in enumerate(rows) if row["public_id"] == "SYR-2022-00001")
    rows[green_village].update({column: cell, **cells})
    rows[0]["title"] = "Changed, to see that nothing is written"
    before = relations()

    report = import_incidents(as_csv(rows), NATIVE, user=editor)

    [problem] = report.problems
    assert (problem.row, problem.column) == (green_village + 2, column)
    assert message in problem.message
    assert not report.written
    assert relations() == before
    assert not Incident.objects.filter(title__startswith="Changed").exists()


def test_a_record_cannot_be_linked_to_itself(seeded):
    rows = rows_of(native_export())
    rows["SYR-2022-00001"]["relations"] = "response to SYR-2022-00001"
    rows["SYR-2022-00002"]["duplicate_of"] = "SYR-2022-00002"
    rows["SYR-2022-00002"]["status"] = "retracted"
    rows["SYR-2022-00002"]["retraction_reason"] = "Same event."

    report = import_incidents(as_csv(list(rows.values())), NATIVE)

    assert sorted(problem.column for problem in report.problems) == ["duplicate_of", "relations"]
    assert not report.written


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_the_public_export_lists_no_link_to_a_draft(seeded, editor_client, fmt):
    draft = IncidentFactory(status="draft")
    answer = seeded["1"]
    IncidentRelation.objects.create(from_incident=answer, to_incident=draft, kind="response to")

    public = b"".join(APIClient().get(EXPORT_URL, {"format": fmt}).streaming_content).decode()
    staff = b"".join(
        editor_client.get("/admin/incidents/incident/export/").streaming_content
    ).decode()

    assert draft.public_id not in public
    assert "response to" in public  # the seed's own relation, between public records
    assert f"response to {draft.public_id}" in staff


# -- merges as the admin's merge allows them ------------------------------------------------


def retracted_as_duplicate_of(row: dict[str, str], kept: str) -> dict[str, str]:
    return {**row, **RETRACTED, "duplicate_of": kept}


@pytest.mark.parametrize("kept_later_in_the_file", [False, True])
def test_a_record_is_not_merged_into_a_draft(seeded, editor, kept_later_in_the_file):
    draft = IncidentFactory(status="draft")
    rows = rows_of(native_export())  # the public records only: the draft is not listed
    duplicate = retracted_as_duplicate_of(rows.pop("SYR-2022-00002"), draft.public_id)
    file_rows = [duplicate]
    if kept_later_in_the_file:
        draft_row = rows_of(staff_export())[draft.public_id]
        Incident.objects.filter(pk=draft.pk).delete()
        file_rows.append(draft_row)

    report = import_incidents(as_csv(file_rows), NATIVE, user=editor)

    [problem] = report.problems
    assert (problem.row, problem.column) == (2, "duplicate_of")
    assert "is not public (draft)" in problem.message
    assert not Incident.objects.filter(duplicate_of__isnull=False).exists()


@pytest.mark.parametrize("kept_later_in_the_file", [False, True])
def test_a_record_is_not_merged_into_a_retracted_one_as_the_admin_refuses_it(
    seeded, editor, kept_later_in_the_file
):
    rows = rows_of(native_export())
    kept = rows["IRQ-2022-00001"]
    retracted = Incident.objects.get(public_id=kept["public_id"])
    retracted.status, retracted.retraction_reason = "retracted", "Misattributed."
    retracted.save()
    assert merge_problems(seeded["1"], retracted)  # the admin's and the API's merge refuse it
    file_rows = [retracted_as_duplicate_of(rows["SYR-2022-00001"], kept["public_id"])]
    if kept_later_in_the_file:
        file_rows.append({**kept, "status": "retracted", "retraction_reason": "Misattributed."})

    report = import_incidents(as_csv(file_rows), NATIVE, user=editor, skip_bad_rows=True)

    [problem] = report.problems
    assert (problem.row, problem.column) == (2, "duplicate_of")
    assert f"{kept['public_id']} is retracted" in problem.message
    assert not report.written
    assert not Incident.objects.filter(duplicate_of__isnull=False).exists()


def test_merges_into_each_other_or_into_a_merged_record_are_refused(seeded, editor):
    rows = rows_of(native_export())
    first, second, third = "SYR-2022-00001", "SYR-2022-00002", "IRQ-2022-00001"
    file_rows = [
        retracted_as_duplicate_of(rows[first], second),
        retracted_as_duplicate_of(rows[second], first),
        retracted_as_duplicate_of(rows[third], first),
    ]

    report = import_incidents(as_csv(file_rows), NATIVE, user=editor, skip_bad_rows=True)

    assert {(p.row, p.column) for p in report.problems} == {
        (2, "duplicate_of"),
        (3, "duplicate_of"),
        (4, "duplicate_of"),
    }
    assert "itself merged" in " ".join(p.message for p in report.problems)
    # Found once the rows were written: skipping them cannot help, so nothing is written.
    assert (report.written, report.must_fix) == (False, True)
    assert "skipping bad rows cannot" in report.summary()
    assert not Incident.objects.filter(duplicate_of__isnull=False).exists()


def test_merging_into_a_record_others_are_merged_into_is_refused(merged, editor):
    duplicate, kept = merged
    rows = rows_of(native_export())

    report = import_incidents(
        as_csv([retracted_as_duplicate_of(rows[kept], "SYR-2022-00001")]), NATIVE, user=editor
    )

    [problem] = report.problems
    assert f"{duplicate} is merged into this record" in problem.message
    assert not report.written


@pytest.mark.parametrize("kept_later_in_the_file", [False, True])
def test_a_merge_counts_as_an_update_wherever_the_kept_record_is(seeded, kept_later_in_the_file):
    rows = rows_of(native_export())
    stored = Incident.objects.get(public_id="IRQ-2022-00001")
    Incident.objects.filter(pk=stored.pk).update(**RETRACTED)
    # The record kept is new: the merge waits for it when it comes further down the file.
    kept = {**rows["SYR-2022-00001"], "public_id": "SYR-2031-00001", "dataset_event_id": "k"}
    file_rows = [retracted_as_duplicate_of(rows["IRQ-2022-00001"], kept["public_id"])]
    file_rows = [*file_rows, kept] if kept_later_in_the_file else [kept, *file_rows]
    since = timezone.now()

    report = import_incidents(as_csv(file_rows), NATIVE)

    assert report.problems == []
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    merged_record = Incident.objects.get(pk=stored.pk)
    assert merged_record.duplicate_of.public_id == "SYR-2031-00001"
    assert merged_record.version == stored.version + 1
    assert merged_record.updated_at >= since  # so that `updated_since` finds it
    assert Incident.history.filter(id=stored.pk).count() == 2  # seeded, then merged


def test_a_new_relation_counts_as_an_update_of_its_record(seeded):
    rows = rows_of(native_export())
    green_village = rows["SYR-2022-00001"]
    before = Incident.objects.get(public_id="SYR-2022-00001")
    # In lower case, on a line of its own after the others, with an empty line at the end.
    green_village["relations"] = (
        green_village["relations"] + "\npart of series irq-2022-00001\n"
    ).lstrip("\n")

    report = import_incidents(as_csv(list(rows.values())), NATIVE)

    assert report.problems == []
    assert (report.updated, report.unchanged) == (1, 4)
    after = Incident.objects.get(pk=before.pk)
    assert after.version == before.version + 1 and after.updated_at > before.updated_at
    assert ("SYR-2022-00001", "part of series", "IRQ-2022-00001") in relations()


def test_a_link_to_a_row_that_failed_says_so(seeded):
    rows = rows_of(native_export())
    new = {**rows["SYR-2022-00001"], "public_id": "SYR-2031-00001", "date_start": "yesterday"}
    rows["SYR-2022-00002"]["relations"] = "response to SYR-2031-00001"

    report = import_incidents(as_csv([*rows.values(), new]), NATIVE)

    answer = list(rows).index("SYR-2022-00002") + 2  # the header is row 1
    messages = {(p.row, p.column): p.message for p in report.problems}
    assert messages.keys() == {(7, "date_start"), (answer, "relations")}
    assert "nor in a row of this file that could be written" in messages[(answer, "relations")]


def test_a_refused_merge_leaves_the_merges_already_stored(merged, editor):
    duplicate, kept = merged
    rows = rows_of(native_export())
    # The kept record, merged in its turn while the duplicate still points at it.
    rows[kept] = retracted_as_duplicate_of(rows[kept], "SYR-2022-00001")

    report = import_incidents(as_csv(list(rows.values())), NATIVE, user=editor, skip_bad_rows=True)

    assert [p.column for p in report.problems] == ["duplicate_of"]
    assert not report.written
    assert Incident.objects.get(public_id=duplicate).duplicate_of.public_id == kept
    assert Incident.objects.get(public_id=kept).status == "published"


@pytest.mark.parametrize("batch_size", [1, 5000])
def test_a_merge_is_judged_by_what_the_whole_file_writes(seeded, monkeypatch, batch_size):
    monkeypatch.setattr(imports, "BATCH_SIZE", batch_size)
    kept = seeded["1"]
    rows = rows_of(staff_export())
    kept_row = rows[kept.public_id]
    duplicate_row = retracted_as_duplicate_of(rows["SYR-2022-00002"], kept.public_id)
    Incident.objects.filter(pk=kept.pk).update(status="draft")

    published_first = import_incidents(as_csv([{**kept_row, "status": "published"},
                                               duplicate_row]), NATIVE)  # fmt: skip
    unpublished_after = import_incidents(
        as_csv([duplicate_row, {**kept_row, "status": "draft"}]), NATIVE
    )

    assert published_first.problems == [] and published_first.written
    assert [p.row for p in unpublished_after.problems] == [3]
    assert "must stay public" in unpublished_after.problems[0].message
    assert not unpublished_after.written
    assert Incident.objects.get(pk=kept.pk).status == "published"


def test_a_new_record_is_never_given_the_id_it_links_to(seeded):
    rows = rows_of(native_export())
    # The seed's Syrian records are SYR-2022-00001 and 2: the next id is SYR-2022-00003, which
    # the row names, so the new record is numbered after it and the link names no record.
    new = {**rows["SYR-2022-00001"], "public_id": "", "dataset_event_id": "new"}
    new["relations"] = "response to SYR-2022-00003"

    report = import_incidents(as_csv([new]), NATIVE, skip_bad_rows=True)

    [problem] = report.problems
    assert (problem.row, problem.column) == (2, "relations")
    assert "No incident SYR-2022-00003 exists" in problem.message
    assert not report.written and report.must_fix
    assert not Incident.objects.filter(public_id="SYR-2022-00003").exists()


def test_a_merge_is_not_moved_by_an_import(merged, editor):
    duplicate, kept = merged
    rows = rows_of(native_export())
    rows[duplicate]["duplicate_of"] = "SYR-2022-00001"

    report = import_incidents(as_csv(list(rows.values())), NATIVE, user=editor)

    [problem] = report.problems
    assert "does not move a merge" in problem.message
    assert Incident.objects.get(public_id=duplicate).duplicate_of.public_id == kept


def test_a_dry_run_says_when_skipping_bad_rows_cannot_help(
    seeded, editor_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    rows = rows_of(native_export())
    rows["SYR-2022-00002"]["relations"] = "response to SYR-2031-00009"
    text = as_csv(list(rows.values())).getvalue()

    preview = editor_client.post(
        "/admin/incidents/incident/import/",
        {
            "file": SimpleUploadedFile("links.csv", text.encode()),
            "layout": "native",
            "create_missing": "on",
            "skip_bad_rows": "on",
        },
    )
    page = preview.content.decode()
    assert "importing would write nothing" in page
    assert "Import this file" not in page
    file = tmp_path / "links.csv"
    file.write_text(text)
    with pytest.raises(CommandError, match="cannot be imported"):
        call_command("import_incidents", str(file), "--format", "native", "--dry-run",
                     "--skip-bad-rows", stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip


def test_a_nul_character_written_as_json_is_reported(seeded):
    rows = rows_of(native_export())
    rows["SYR-2022-00001"]["dataset_fields"] = '{"note": "a\\u0000b"}'

    report = import_incidents(as_csv(list(rows.values())), NATIVE)

    [problem] = report.problems
    assert problem.column == "dataset_fields" and "NUL character" in problem.message
    assert not report.written


def test_relations_are_never_written_unless_fetched_for_a_reader(seeded):
    from csvio.export import csv_lines, with_export_columns

    unfiltered = with_export_columns(Incident.objects.all())  # no `links_to`: no reader

    with pytest.raises(LookupError, match="fetched for the reader"):
        "".join(csv_lines(unfiltered, NATIVE.columns))
