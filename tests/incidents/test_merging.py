"""Merging two records of the same event: the duplicate is retracted and points to the kept one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from incidents.models import Citation, Incident, IncidentRelation
from tests.factories import CitationFactory, IncidentFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    """Two published records of the Baghdad airport drones, each citing its own report."""
    kept = IncidentFactory(status="published", title="Two drones shot down over the airport")
    duplicate = IncidentFactory(status="published", title="Drones downed near Baghdad airport")
    CitationFactory(incident=kept, source=SourceFactory(publisher="Al Arabiya"))
    CitationFactory(incident=duplicate, source=SourceFactory(publisher="Reuters"), quote="Two.")
    return kept, duplicate


def merge_in_admin(client, duplicate: Incident, into: str, note: str = "", **confirmation):
    return client.post(
        reverse("admin:incidents_incident_merge", args=[duplicate.pk]),
        {"into": into, "note": note, **confirmation},
    )


def test_merging_in_the_admin_moves_citations_and_retracts_the_duplicate(editor_client, pair):
    kept, duplicate = pair
    kept_version = kept.version

    response = merge_in_admin(
        editor_client, duplicate, kept.public_id.lower(), "Same drones.", confirm="merge"
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:incidents_incident_change", args=[kept.pk])
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    assert duplicate.status == "retracted"
    assert duplicate.duplicate_of == kept
    assert duplicate.retraction_reason == f"Same event as {kept.public_id}. Same drones."
    assert sorted(c.source.publisher_id for c in kept.citations.all()) == ["Al Arabiya", "Reuters"]
    assert not duplicate.citations.exists()
    assert IncidentRelation.objects.filter(
        from_incident=duplicate, to_incident=kept, kind="same event as"
    ).exists()
    assert kept.version == kept_version + 1


def test_the_duplicates_permalink_and_api_detail_redirect_to_the_kept_record(editor, pair):
    kept, duplicate = pair
    from incidents.merging import merge

    merge(duplicate, kept, user=editor)

    page = APIClient().get(reverse("incident-page", args=[duplicate.public_id]))
    api = APIClient().get(f"/api/v1/incidents/{duplicate.public_id}/?format=json")
    assert page.status_code == api.status_code == 301
    assert page["Location"].endswith(reverse("incident-page", args=[kept.public_id]))
    assert api["Location"].endswith(f"/api/v1/incidents/{kept.public_id}/?format=json")
    followed = APIClient().get(api["Location"]).json()
    assert followed["public_id"] == kept.public_id
    assert len(followed["citations"]) == 2


def test_a_citation_both_records_share_is_not_doubled(editor, pair):
    kept, duplicate = pair
    shared = kept.citations.get()
    CitationFactory(incident=duplicate, source=shared.source, quote=shared.quote)
    from incidents.merging import merge

    merge(duplicate, kept, user=editor)

    assert kept.citations.count() == 2
    assert Citation.objects.count() == 2


def test_merging_through_the_api_is_for_editors(pair):
    kept, duplicate = pair
    analyst, editor = APIClient(), APIClient()
    analyst.force_authenticate(UserFactory(role="analyst"))
    editor.force_authenticate(UserFactory(role="editor"))
    url = f"/api/v1/incidents/{duplicate.public_id}/merge/"

    refused = analyst.post(url, {"into": kept.public_id, "confirm": True}, format="json")
    merged = editor.post(url, {"into": kept.public_id, "confirm": True}, format="json")

    assert refused.status_code == 403
    assert merged.status_code == 200
    assert merged.json()["public_id"] == kept.public_id
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id == kept.pk


@pytest.mark.parametrize("target", ["itself", "a merged record", "a draft", "nothing"])
def test_impossible_merges_are_explained(editor_client, pair, target):
    kept, duplicate = pair
    merged = IncidentFactory(status="retracted", duplicate_of=kept)
    draft = IncidentFactory(status="draft")
    into = {
        "itself": duplicate.public_id,
        "a merged record": merged.public_id,
        "a draft": draft.public_id,
    }.get(target, "XXX-1999-00001")

    response = merge_in_admin(editor_client, duplicate, into, confirm="merge")

    assert response.status_code == 200
    assert response.context["form"].errors["into"]
    duplicate.refresh_from_db()
    assert duplicate.status == "published" and duplicate.duplicate_of is None


def test_analysts_cannot_merge(analyst_client, pair):
    kept, duplicate = pair

    response = merge_in_admin(analyst_client, duplicate, kept.public_id, confirm="merge")

    assert response.status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of is None


@pytest.mark.parametrize("status", ["draft", "in review"])
def test_an_unpublished_duplicate_is_not_merged_so_it_never_becomes_public(editor, status):
    kept = IncidentFactory(status="published")
    unpublished = IncidentFactory(status=status, title="Unchecked draft")
    from incidents.merging import merge

    with pytest.raises(ValidationError):
        merge(unpublished, kept, user=editor)

    unpublished.refresh_from_db()
    assert unpublished.status == status
    assert APIClient().get(f"/api/v1/incidents/{unpublished.public_id}/history/").status_code == 404


def test_the_kept_record_counts_the_sources_it_gained(editor, pair):
    kept, duplicate = pair
    from incidents.merging import merge

    merge(duplicate, kept, user=editor)

    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert (kept.independent_sources, duplicate.independent_sources) == (2, 0)


def test_the_merge_and_retract_pages_ask_for_what_they_need(editor_client, pair):
    _, duplicate = pair

    merge_page = editor_client.get(reverse("admin:incidents_incident_merge", args=[duplicate.pk]))
    retract_page = editor_client.get(
        reverse("admin:incidents_incident_retract", args=[duplicate.pk])
    )

    assert merge_page.status_code == retract_page.status_code == 200
    assert 'name="into"' in merge_page.content.decode()
    assert 'name="note"' in merge_page.content.decode()
    assert 'name="reason"' in retract_page.content.decode()
