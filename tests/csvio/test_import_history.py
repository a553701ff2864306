"""An import leaves the audit trail the ORM would: one entry per record it writes, none else."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.roles import EDITOR
from csvio.export import export_chunks
from csvio.imports import import_incidents
from csvio.layouts.native import NATIVE
from csvio.layouts.ucdp import UCDP
from geo.models import Location
from incidents.models import Actor, Citation, Incident, IncidentActor, Source
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "ucdp-ged-syria-2016-sample.csv"
ROWS = 12


def sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))[:ROWS]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_file(path: Path, *options: str) -> None:
    call_command("import_incidents", str(path), "--format", "ucdp", *options, stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip


def entries(model, **filters) -> list:
    return list(model.history.filter(**filters).order_by("history_id"))


@pytest.fixture
def editor(db):
    return UserFactory(username="edith", role=EDITOR)


@pytest.fixture
def sample(tmp_path) -> Path:
    return write_csv(tmp_path / "ged-sample.csv", sample_rows())


def test_command_writes_one_entry_per_new_incident_with_the_user_and_the_file(editor, sample):
    import_file(sample, "--user", "edith")

    incidents = list(Incident.objects.all())
    assert len(incidents) == ROWS
    for incident in incidents:
        [entry] = entries(Incident, id=incident.pk)
        assert entry.history_type == "+"
        assert entry.history_user == editor
        assert entry.history_change_reason == "Imported from ged-sample.csv (ucdp layout)"
        assert (entry.version, entry.title) == (1, incident.title)


def test_command_without_a_user_writes_entries_that_name_nobody(sample):
    import_file(sample)

    assert Incident.history.count() == ROWS
    assert not Incident.history.filter(history_user__isnull=False).exists()


def test_command_refuses_an_unknown_user(sample):
    with pytest.raises(CommandError, match="no user “nobody”"):
        import_file(sample, "--user", "nobody")

    assert not Incident.objects.exists()


def test_reimporting_an_unchanged_file_writes_no_history_and_keeps_versions(editor, sample):
    import_file(sample, "--user", "edith")
    counts = [model.history.count() for model in (Incident, IncidentActor, Citation)]

    import_file(sample, "--user", "edith")

    assert [model.history.count() for model in (Incident, IncidentActor, Citation)] == counts
    assert set(Incident.objects.values_list("version", flat=True)) == {1}


def test_an_updated_incident_gets_one_entry_with_its_new_version(editor, sample, tmp_path):
    import_file(sample)
    rows = sample_rows()
    rows[3]["where_prec"] = "2" if rows[3]["where_prec"] != "2" else "3"
    changed = Incident.objects.get(dataset_event_id=rows[3]["id"])

    import_file(write_csv(tmp_path / "ged-fixed.csv", rows), "--user", "edith")

    changed.refresh_from_db()
    assert changed.version == 2
    assert changed.updated_by == editor
    first, second = entries(Incident, id=changed.pk)
    assert (first.history_type, second.history_type) == ("+", "~")
    assert (second.version, second.geo_precision) == (2, changed.geo_precision)
    assert second.history_user == editor
    assert second.history_change_reason == "Imported from ged-fixed.csv (ucdp layout)"
    others = Incident.objects.exclude(pk=changed.pk)
    assert set(others.values_list("version", flat=True)) == {1}
    assert Incident.history.count() == ROWS + 1


def test_new_actor_rows_replace_the_old_ones_with_deletion_entries(editor, sample, tmp_path):
    import_file(sample)
    rows = sample_rows()
    rows[0]["side_b"] = "Jaysh al-Islam"
    incident = Incident.objects.get(dataset_event_id=rows[0]["id"])
    old_rows = set(incident.participants.values_list("pk", flat=True))

    import_file(write_csv(tmp_path / "ged-sides.csv", rows), "--user", "edith")

    incident.refresh_from_db()
    assert incident.version == 2
    deleted = IncidentActor.history.filter(history_type="-")
    assert set(deleted.values_list("id", flat=True)) == old_rows
    assert {entry.history_user for entry in deleted} == {editor}
    created = IncidentActor.history.filter(history_type="+", history_user=editor)
    assert set(created.values_list("id", flat=True)) == set(
        incident.participants.values_list("pk", flat=True)
    )
    assert incident.participants.filter(actor__name="Jaysh al-Islam").exists()
    assert Incident.history.filter(id=incident.pk, history_type="~").count() == 1


def test_created_places_actors_sources_and_rows_have_history(editor, sample):
    import_file(sample, "--user", "edith")

    for model in (Location, Actor, Source, IncidentActor, Citation):
        records = set(model.objects.values_list("pk", flat=True))
        assert records, model
        history = model.history.all()
        assert sorted(history.values_list("id", flat=True)) == sorted(records), model
        assert {(entry.history_type, entry.history_user) for entry in history} == {("+", editor)}


def test_a_dry_run_writes_no_history(sample):
    with sample.open(newline="", encoding="utf-8") as file:
        report = import_incidents(file, UCDP, dry_run=True)

    assert report.rows == ROWS and not report.written
    assert not Incident.history.exists()
    assert not Location.history.exists()


def admin_import(client, text: str):
    page = client.post(
        reverse("admin:incidents_incident_import"),
        {
            "file": SimpleUploadedFile("seed export.csv", text.encode("utf-8")),
            "layout": "native",
            "create_missing": "on",
        },
    )
    confirmation = {"confirm": "1", "layout": "native", "create_missing": "1"}
    return client.post(
        reverse("admin:incidents_incident_import"),
        {**confirmation, "stored": page.context["stored"]},
    )


def test_admin_import_writes_one_entry_per_changed_incident_with_the_editor(
    editor, seeded, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(editor)
    exported = "".join(export_chunks(Incident.objects.order_by("pk"), NATIVE, "csv"))
    before = Incident.history.count()
    changed = Incident.objects.get(public_id="IRQ-2022-00001")
    versions = dict(Incident.objects.values_list("pk", "version"))

    response = admin_import(client, exported.replace(changed.title, "Five rockets near the base"))

    assert response.status_code == 302
    entry = Incident.history.latest("history_id")
    assert entry.id == changed.pk and entry.history_type == "~"
    assert entry.history_user == editor
    assert entry.title == "Five rockets near the base"
    assert entry.version == versions[changed.pk] + 1
    assert entry.history_change_reason == "Imported from seed export.csv (native layout)"
    assert Incident.history.count() == before + 1
    after = dict(Incident.objects.values_list("pk", "version"))
    assert {pk for pk in after if after[pk] != versions[pk]} == {changed.pk}


def test_a_row_that_breaks_a_check_constraint_is_reported_before_writing(editor, seeded):
    exported = "".join(export_chunks(Incident.objects.order_by("pk"), NATIVE, "csv"))
    rows = list(csv.DictReader(io.StringIO(exported)))
    rows[1].update(public_id="", status="retracted")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    before = Incident.history.count()

    report = import_incidents(io.StringIO(out.getvalue()), NATIVE, user=editor)

    assert [(p.row, p.column) for p in report.problems] == [(3, "retraction_reason")]
    assert report.problems[0].message == "Say why the incident is retracted."
    assert not report.written
    assert Incident.history.count() == before
