"""Private by default: the public is told the role that made each change, never an account;
analysts and editors see the accounts."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.roles import ANALYST, EDITOR
from csvio.export import export_chunks
from csvio.layouts.native import NATIVE
from incidents.models import Incident
from tests.factories import IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"
# Account names that must never reach the public.
ANALYST_NAME, EDITOR_NAME = "ana.karimi", "edith.morane"


@pytest.fixture
def analyst(db):
    return UserFactory(username=ANALYST_NAME, role=ANALYST)


@pytest.fixture
def editor(db):
    return UserFactory(username=EDITOR_NAME, role=EDITOR)


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def patch(user, incident: Incident, **fields) -> None:
    incident.refresh_from_db()
    response = signed_in(user).patch(
        f"{URL}{incident.public_id}/", fields, format="json", HTTP_IF_MATCH=incident.etag
    )
    assert response.status_code == 200, response.content


def reimport_with_new_title(incident: Incident, user, tmp_path) -> None:
    """Export the record in the native layout, change its title, import it as `user`."""
    exported = "".join(export_chunks(Incident.objects.filter(pk=incident.pk), NATIVE, "csv"))
    [row] = csv.DictReader(io.StringIO(exported))
    row["title"] = "Imported title"
    path = tmp_path / f"{ANALYST_NAME}-batch.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    call_command("import_incidents", str(path), "--format", "native", "--user", user.username,
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip


@pytest.fixture
def changed_by_everyone(analyst, editor, tmp_path) -> Incident:
    """A published record changed by an analyst, then an editor, then an import."""
    incident = IncidentFactory(status="published", title="Rockets")
    patch(analyst, incident, title="Rockets near the base")
    patch(editor, incident, title="Five rockets near the base")
    reimport_with_new_title(incident, editor, tmp_path)
    return incident


def test_the_public_history_says_which_role_made_each_change_and_names_no_account(
    changed_by_everyone,
):
    response = APIClient().get(f"{URL}{changed_by_everyone.public_id}/history/")

    entries = response.json()["results"]
    assert [(entry["version"], entry["role"]) for entry in entries] == [
        (4, "import"),
        (3, "editor"),
        (2, "analyst"),
        (1, None),  # written without a signed-in user
    ]
    assert all("user" not in entry for entry in entries)
    # An import's reason names its file, as someone on the staff named it.
    assert entries[0]["reason"] is None
    assert ANALYST_NAME not in response.content.decode()
    assert EDITOR_NAME not in response.content.decode()


def test_analysts_and_editors_see_who_made_each_change(changed_by_everyone, analyst):
    entries = (
        signed_in(analyst).get(f"{URL}{changed_by_everyone.public_id}/history/").json()["results"]
    )

    assert [(entry["role"], entry["user"]) for entry in entries] == [
        ("import", EDITOR_NAME),
        ("editor", EDITOR_NAME),
        ("analyst", ANALYST_NAME),
        (None, None),
    ]
    assert entries[0]["reason"] == f"Imported from {ANALYST_NAME}-batch.csv (native layout)"


def test_a_change_keeps_the_role_it_was_made_in_after_the_account_is_promoted(analyst):
    incident = IncidentFactory(status="published")
    patch(analyst, incident, title="Rockets near the base")

    analyst.groups.set([Group.objects.get(name=EDITOR)])
    promoted = type(analyst).objects.get(pk=analyst.pk)  # as the next request loads the account
    patch(promoted, incident, title="Five rockets")

    entries = APIClient().get(f"{URL}{incident.public_id}/history/").json()["results"]
    assert [entry["role"] for entry in entries] == ["editor", "analyst", None]


@pytest.mark.parametrize(
    "path",
    [
        "/incidents/{id}/",
        "/incidents/{id}/v/2/",
        "/incidents/{id}/cite.bib",
        "/incidents/{id}/cite.json",
        "/api/v1/incidents/{id}/",
        "/api/v1/incidents/{id}/?version=2",
        "/api/v1/incidents/{id}/history/",
        "/api/v1/incidents/{id}/history/?format=api",
        "/api/v1/incidents/{id}/?format=csv",
        "/api/v1/incidents/{id}/?format=geojson",
        "/api/v1/incidents/export/?preset=native",
        "/api/v1/incidents/?format=api",
    ],
)
def test_no_public_output_names_an_account(changed_by_everyone, client, path):
    response = client.get(path.format(id=changed_by_everyone.public_id))

    assert response.status_code == 200
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    assert ANALYST_NAME not in content
    assert EDITOR_NAME not in content
