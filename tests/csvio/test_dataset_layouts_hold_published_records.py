"""The ACLED and UCDP layouts have no status column, so their files hold published records:
a draft or a record in review is there only when an editor asks for it by name, and then the
file's name and the export note say so. Every way to export agrees."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from incidents.models import Incident
from incidents.taxonomy import Status
from tests.factories import IncidentFactory, LocationFactory

pytestmark = pytest.mark.django_db

ADMIN_EXPORT_URL = reverse("admin:incidents_incident_export")
CHANGELIST_URL = reverse("admin:incidents_incident_changelist")
API_EXPORT_URL = "/api/v1/incidents/export/"


@pytest.fixture
def unpublished(seeded):
    place = LocationFactory(country="IRQ")
    return {
        "draft": IncidentFactory(location=place, status=Status.DRAFT).public_id,
        "in review": IncidentFactory(location=place, status=Status.IN_REVIEW).public_id,
    }


def ids(response, column: str = "event_id_cnty") -> set[str]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return {row[column] for row in csv.DictReader(io.StringIO(body))}


def file_name(response) -> str:
    """The download's name without its time stamp."""
    name = re.search(r'filename="([^"]+)"', response["Content-Disposition"])[1]
    return re.sub(r"-\d{8}T\d{4}Z", "", name)


def admin_note(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


PUBLISHED = {
    "SYR-2022-00001",
    "SYR-2022-00002",
    "IRQ-2022-00001",
    "IRQ-2022-00002",
    "IRQ-2022-00003",
}


@pytest.mark.parametrize("preset", ["acled", "ucdp"])
def test_the_admin_s_export_buttons_leave_out_drafts_the_list_shows(
    editor_client, unpublished, preset
):
    listed = editor_client.get(CHANGELIST_URL).context["cl"].result_list
    response = editor_client.get(ADMIN_EXPORT_URL, {"preset": preset, "include_all": "1"})

    assert {incident.public_id for incident in listed} == PUBLISHED | set(unpublished.values())
    column = "event_id_cnty" if preset == "acled" else "id"
    exported = ids(response, column)
    assert exported.isdisjoint(unpublished.values())
    assert len(exported) == len(PUBLISHED)
    assert "published records only" in admin_note(response)
    assert file_name(response) == f"tessera-incidents-{preset}.csv"


def test_the_admin_exports_drafts_in_a_dataset_layout_when_the_list_is_filtered_by_them(
    editor_client, unpublished
):
    response = editor_client.get(ADMIN_EXPORT_URL, {"preset": "acled", "status": "draft"})

    assert ids(response) == {unpublished["draft"]}
    assert file_name(response) == "tessera-incidents-acled-status-draft.csv"
    assert "this file holds drafts" in admin_note(response)


def test_the_admin_s_native_export_keeps_every_record_the_list_shows(editor_client, unpublished):
    response = editor_client.get(ADMIN_EXPORT_URL, {"preset": "native"})

    assert ids(response, "public_id") == PUBLISHED | set(unpublished.values())


def test_exporting_selected_rows_in_a_dataset_layout_leaves_out_drafts_unless_filtered_by_them(
    editor_client, unpublished, seeded
):
    chosen = [seeded["3"].pk, Incident.objects.get(public_id=unpublished["draft"]).pk]
    action = {"action": "export_selected_acled", "_selected_action": chosen}

    unfiltered = editor_client.post(CHANGELIST_URL, action)
    filtered = editor_client.post(f"{CHANGELIST_URL}?status=draft", action)

    assert ids(unfiltered) == {seeded["3"].public_id}
    assert ids(filtered) == {unpublished["draft"]}
    assert file_name(filtered) == "tessera-incidents-acled-status-draft.csv"


def test_the_api_export_names_drafts_it_was_asked_for(editor, unpublished):
    client = APIClient()
    client.force_authenticate(editor)

    default = client.get(API_EXPORT_URL, {"preset": "acled"})
    asked = client.get(API_EXPORT_URL, {"preset": "acled", "status": "draft,in review"})

    assert ids(default) == PUBLISHED
    assert "published records only" in default["Tessera-Export-Note"]
    assert ids(asked) == set(unpublished.values())
    assert file_name(asked) == "tessera-incidents-acled-status-draft_in_review.csv"
    assert "drafts and records in review" in asked["Tessera-Export-Note"]


def test_the_export_command_writes_published_records_unless_told_otherwise(
    tmp_path, unpublished, capsys
):
    default, drafts = tmp_path / "default.csv", tmp_path / "drafts.csv"

    call_command("export_incidents", "--preset", "acled", "-o", str(default))
    call_command(
        "export_incidents", "--preset", "acled", "--filter", "status=draft", "-o", str(drafts)
    )

    def read(path) -> set[str]:
        with path.open(encoding="utf-8") as handle:
            return {row["event_id_cnty"] for row in csv.DictReader(handle)}

    assert read(default) == PUBLISHED
    assert read(drafts) == {unpublished["draft"]}
    assert "this file holds drafts" in capsys.readouterr().err
