"""Every public version of a record can be read and cited: its page at /incidents/<id>/v/<n>/,
its JSON at /api/v1/incidents/<id>/?version=<n>, and citations that name and link it."""

from __future__ import annotations

import io
import json

import bibtexparser
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from csvio.export import export_chunks
from csvio.layouts.native import NATIVE
from incidents.merging import merge
from incidents.models import Incident
from tests.factories import (
    ActorFactory,
    CitationFactory,
    IncidentActorFactory,
    IncidentFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def patch(user, incident: Incident, **fields) -> dict:
    incident.refresh_from_db()
    response = signed_in(user).patch(
        f"{URL}{incident.public_id}/", fields, format="json", HTTP_IF_MATCH=incident.etag
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def changed(editor) -> Incident:
    """Published as version 1 with one actor and one quote; version 2 (through the API) has
    another title, actor and quote."""
    incident = IncidentFactory(status="published", title="Rockets hit the base")
    IncidentActorFactory(incident=incident, actor=ActorFactory(name="First militia"))
    CitationFactory(incident=incident, quote="Rockets hit the base at dawn.")
    patch(
        editor,
        incident,
        title="Five rockets hit the base",
        actors=[{"actor": ActorFactory(name="Second militia").pk, "role": "perpetrator"}],
        citations=[{"source": SourceFactory().pk, "quote": "Five rockets.", "stance": "supports"}],
    )
    incident.refresh_from_db()
    return incident


# --- the API ------------------------------------------------------------------------------


def test_an_earlier_version_is_answered_as_it_was_in_the_current_form(changed):
    current = APIClient().get(f"{URL}{changed.public_id}/").json()

    response = APIClient().get(f"{URL}{changed.public_id}/", {"version": 1})

    assert response.status_code == 200
    assert response["ETag"] == f'"{changed.public_id}.1"'
    earlier = response.json()
    assert set(earlier) == set(current) | {"version_info"}
    assert (earlier["version"], earlier["title"]) == (1, "Rockets hit the base")
    assert [row["actor"]["name"] for row in earlier["actors"]] == ["First militia"]
    assert [row["quote"] for row in earlier["citations"]] == ["Rockets hit the base at dawn."]
    assert earlier["independent_sources"] == 1
    assert f"{changed.public_id}, version 1 of " in earlier["citation"]
    assert f"/incidents/{changed.public_id}/v/1/ " in earlier["citation"]
    info = earlier["version_info"]
    assert (info["number"], info["is_current"], info["current_version"]) == (1, False, 2)
    assert info["url"] == f"http://testserver{URL}{changed.public_id}/?version=1"
    assert info["page"] == f"http://testserver/incidents/{changed.public_id}/v/1/"
    assert info["current_url"] == current["url"]
    assert current["title"] == "Five rockets hit the base"


def test_the_current_version_is_answered_like_the_record(changed):
    current = APIClient().get(f"{URL}{changed.public_id}/").json()

    shown = APIClient().get(f"{URL}{changed.public_id}/", {"version": 2}).json()

    assert shown.pop("version_info")["is_current"] is True
    assert shown == current


def test_a_version_that_was_a_draft_is_not_public_though_the_record_is(editor, client):
    incident = IncidentFactory(status="draft", summary="Informant Ahmed K. says so.")
    patch(editor, incident, status="published", summary="Rockets hit the base.")

    api = APIClient().get(f"{URL}{incident.public_id}/", {"version": 1})
    staff = signed_in(editor).get(f"{URL}{incident.public_id}/", {"version": 1})

    assert api.status_code == 404
    assert "Informant" not in api.content.decode()
    for suffix in ["", "cite.bib", "cite.json"]:
        assert client.get(f"/incidents/{incident.public_id}/v/1/{suffix}").status_code == 404
    assert client.get(f"/incidents/{incident.public_id}/v/2/").status_code == 200
    assert (staff.status_code, staff.json()["status"]) == (200, "draft")


@pytest.mark.parametrize("version", ["x", "0", "-1", "1.5", ""])
def test_a_version_that_is_not_a_number_is_a_400_naming_it(changed, version):
    response = APIClient().get(f"{URL}{changed.public_id}/", {"version": version})

    assert response.status_code == 400
    assert list(response.json()) == ["version"]


def test_a_version_that_does_not_exist_is_a_404(changed, client):
    assert APIClient().get(f"{URL}{changed.public_id}/", {"version": 3}).status_code == 404
    assert client.get(f"/incidents/{changed.public_id}/v/3/").status_code == 404
    assert client.get(f"/incidents/{changed.public_id}/v/0/").status_code == 404


def test_a_version_is_answered_in_json_only(changed):
    response = APIClient().get(f"{URL}{changed.public_id}/", {"version": 1, "format": "csv"})

    assert response.status_code == 400
    assert list(response.json()) == ["version"]


def test_a_version_is_read_in_a_fixed_number_of_queries(editor):
    counts = []
    for rows in (1, 6):
        incident = IncidentFactory(status="published")
        for _ in range(rows):
            IncidentActorFactory(incident=incident)
            CitationFactory(incident=incident)
        patch(editor, incident, title="Changed")
        with CaptureQueriesContext(connection) as queries:
            APIClient().get(f"{URL}{incident.public_id}/", {"version": 1})
        counts.append(len(queries))

    assert counts[0] == counts[1]


# --- pages and citations ----------------------------------------------------------------------


def test_the_page_of_an_earlier_version_shows_it_and_links_to_the_current_one(changed, client):
    response = client.get(f"/incidents/{changed.public_id}/v/1/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Rockets hit the base</h1>" in page
    assert "First militia" in page and "Rockets hit the base at dawn." in page
    assert "Second militia" not in page and "Five rockets." not in page
    assert "Version 1 of this record" in page
    assert f'<a href="/incidents/{changed.public_id}/">read its current version (2)</a>' in page
    assert f"{changed.public_id}, version 1 of " in page
    assert f'href="/incidents/{changed.public_id}/v/1/cite.bib"' in page


def test_the_page_of_the_current_version_says_so(changed, client):
    page = client.get(f"/incidents/{changed.public_id}/v/2/").content.decode()

    assert "<h1>Five rockets hit the base</h1>" in page
    assert "This is the record's current version." in page


def test_the_records_page_cites_its_version_at_the_versions_own_address(changed, client):
    page = client.get(f"/incidents/{changed.public_id}/").content.decode()

    assert f'href="http://testserver/incidents/{changed.public_id}/v/2/"' in page
    assert f"{changed.public_id}, version 2 of " in page


def test_an_earlier_version_of_a_retracted_record_carries_the_retraction_notice(
    changed, editor, client
):
    signed_in(editor).delete(
        f"{URL}{changed.public_id}/",
        {"reason": "The base was not hit."},
        format="json",
        HTTP_IF_MATCH=f'"{changed.public_id}.2"',
    )

    page = client.get(f"/incidents/{changed.public_id}/v/1/").content.decode()
    earlier = APIClient().get(f"{URL}{changed.public_id}/", {"version": 1}).json()

    assert "The record has since been retracted:" in page
    assert "The base was not hit." in page
    assert earlier["status"] == "published"


def test_two_changes_on_one_day_are_two_citable_versions(client, db):
    incident = IncidentFactory(status="published", title="First title")
    for title in ("Second title", "Third title"):
        incident.title = title
        incident.save()

    second = client.get(f"/incidents/{incident.public_id}/v/2/cite.bib").content.decode()
    third = client.get(f"/incidents/{incident.public_id}/v/3/cite.json").content
    page = client.get(f"/incidents/{incident.public_id}/v/2/").content.decode()

    [entry] = bibtexparser.loads(second).entries
    [item] = json.loads(third)
    assert (entry["title"], entry["version"]) == ("{Second title}", "2")
    assert entry["url"] == f"http://testserver/incidents/{incident.public_id}/v/2/"
    assert entry["note"].startswith("Version 2 of ")
    assert (item["title"], item["version"]) == ("Third title", "3")
    assert item["URL"] == f"http://testserver/incidents/{incident.public_id}/v/3/"
    assert "<h1>Second title</h1>" in page


# --- merged records -------------------------------------------------------------------------


@pytest.fixture
def merged(editor) -> tuple[Incident, Incident]:
    kept = IncidentFactory(status="published", title="Kept record")
    duplicate = IncidentFactory(status="published", title="Duplicate record")
    CitationFactory(incident=duplicate, quote="Only the duplicate quoted this.")
    merge(duplicate, kept, user=editor)
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    return duplicate, kept


def test_a_merged_records_versions_stay_citable_and_say_where_it_went(merged, client):
    duplicate, kept = merged

    current = client.get(f"/incidents/{duplicate.public_id}/")
    earlier = client.get(f"/incidents/{duplicate.public_id}/v/1/")
    api = APIClient().get(f"{URL}{duplicate.public_id}/", {"version": 1})

    assert current.status_code == 301
    assert earlier.status_code == 200
    page = earlier.content.decode()
    assert "Only the duplicate quoted this." in page
    assert f'<a href="/incidents/{kept.public_id}/"><code>{kept.public_id}</code>' in page
    assert api.status_code == 200
    assert (api.json()["status"], api.json()["duplicate_of"]) == ("published", None)


def test_the_rows_a_merge_moves_belong_to_the_versions_it_makes(merged):
    duplicate, kept = merged

    def quotes(incident: Incident, version: int) -> list[str]:
        shown = APIClient().get(f"{URL}{incident.public_id}/", {"version": version}).json()
        return [citation["quote"] for citation in shown["citations"]]

    assert quotes(kept, 1) == []
    assert quotes(kept, 2) == ["Only the duplicate quoted this."]
    assert quotes(duplicate, 1) == ["Only the duplicate quoted this."]
    assert quotes(duplicate, 2) == []


def test_the_rows_an_import_writes_belong_to_the_version_it_makes(editor, tmp_path):
    incident = IncidentFactory(status="published")
    CitationFactory(incident=incident, quote="Rockets hit the base at dawn.")
    exported = "".join(export_chunks(Incident.objects.filter(pk=incident.pk), NATIVE, "csv"))
    path = tmp_path / "corrected.csv"
    path.write_text(exported.replace("at dawn.", "at noon."), encoding="utf-8")

    call_command("import_incidents", str(path), "--format", "native", "--user", editor.username,
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip

    def quotes(version: int) -> list[str]:
        shown = APIClient().get(f"{URL}{incident.public_id}/", {"version": version}).json()
        return [citation["quote"] for citation in shown["citations"]]

    assert quotes(1) == ["Rockets hit the base at dawn."]
    assert quotes(2) == ["Rockets hit the base at noon."]
