"""The API merges only when asked to: `"confirm": false` answers what the merge would change
and writes nothing, `"confirm": true` merges, and without `confirm` the request is a 400."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from incidents.models import Incident, IncidentRelation
from tests.factories import CitationFactory, IncidentFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    """Two published records of the same rockets: a different death toll, each its source,
    and one source both cite with the same words."""
    kept = IncidentFactory(title="Rockets hit the base", fatalities_best=2)
    duplicate = IncidentFactory(title="Rocket attack on the base", fatalities_best=3)
    CitationFactory(incident=kept, source=SourceFactory(title="AP wire"), quote="Two killed.")
    shared = CitationFactory(incident=kept, source=SourceFactory(title="Local radio"), quote="Hit.")
    CitationFactory(incident=duplicate, source=SourceFactory(title="AFP wire"), quote="Three.")
    CitationFactory(incident=duplicate, source=shared.source, quote="Hit.")
    return kept, duplicate


@pytest.fixture
def api(editor) -> APIClient:
    client = APIClient()
    client.force_authenticate(editor)
    return client


def merge(api, duplicate, **body):
    return api.post(f"/api/v1/incidents/{duplicate.public_id}/merge/", body, format="json")


def unchanged(*records: Incident) -> bool:
    return (
        all(Incident.objects.get(pk=record.pk).version == record.version for record in records)
        and not IncidentRelation.objects.exists()
    )


def test_without_confirm_nothing_is_merged_and_the_400_names_it(api, pair):
    kept, duplicate = pair

    response = merge(api, duplicate, into=kept.public_id)

    assert response.status_code == 400
    assert list(response.json()) == ["confirm"]
    assert "false answers what the merge would change" in response.json()["confirm"][0]
    assert unchanged(kept, duplicate)


@pytest.mark.parametrize("confirm", ["true", 1, "yes", None])
def test_confirm_is_a_json_boolean(api, pair, confirm):
    kept, duplicate = pair

    response = merge(api, duplicate, into=kept.public_id, confirm=confirm)

    assert response.status_code == 400
    assert list(response.json()) == ["confirm"]
    assert unchanged(kept, duplicate)


def test_confirm_false_answers_what_would_change_and_writes_nothing(api, pair):
    kept, duplicate = pair
    earlier = IncidentFactory(status="retracted", duplicate_of=duplicate)

    response = merge(api, duplicate, into=kept.public_id, note="Same salvo.", confirm=False)

    assert response.status_code == 200
    answer = response.json()
    assert answer == {
        "confirmed": False,
        "duplicate": duplicate.public_id,
        "into": kept.public_id,
        "retraction_reason": f"Same event as {kept.public_id}. Same salvo.",
        "citations_moved": 1,
        "citations_already_cited": 1,
        "repointed": [earlier.public_id],
        "conflicts": [
            {
                "field": "title",
                "duplicate": "Rocket attack on the base",
                "into": "Rockets hit the base",
            },
            {
                "field": "location",
                "duplicate": answer["conflicts"][1]["duplicate"],
                "into": answer["conflicts"][1]["into"],
            },
            {"field": "fatalities_best", "duplicate": 3, "into": 2},
        ],
        "versions": {duplicate.public_id: duplicate.etag, kept.public_id: kept.etag},
    }
    # The places as the incident's JSON shows them (each its own factory-made place).
    assert answer["conflicts"][1]["duplicate"]["id"] == duplicate.location_id
    assert answer["conflicts"][1]["into"]["id"] == kept.location_id
    assert unchanged(kept, duplicate, earlier)
    assert duplicate.citations.count() == 2


def test_confirm_true_merges_as_the_preview_said(api, pair):
    kept, duplicate = pair

    response = merge(api, duplicate, into=kept.public_id, note="Same salvo.", confirm=True)

    assert response.status_code == 200
    assert response.json()["public_id"] == kept.public_id
    assert response["ETag"] == Incident.objects.get(pk=kept.pk).etag
    duplicate.refresh_from_db()
    assert duplicate.status == "retracted" and duplicate.duplicate_of == kept
    assert duplicate.retraction_reason == f"Same event as {kept.public_id}. Same salvo."
    assert kept.citations.count() == 3


@pytest.mark.parametrize("confirm", [False, True])
def test_an_impossible_merge_is_refused_previewed_or_not(api, pair, confirm):
    kept, duplicate = pair
    draft = IncidentFactory(status="draft")

    response = merge(api, duplicate, into=draft.public_id, confirm=confirm)

    assert response.status_code == 400
    assert "merge into a published record" in str(response.json())
    assert unchanged(kept, duplicate, draft)


def test_the_preview_is_for_editors_only(analyst, pair):
    kept, duplicate = pair
    client = APIClient()
    client.force_authenticate(analyst)

    response = merge(client, duplicate, into=kept.public_id, confirm=False)

    assert response.status_code == 403


def test_the_schema_documents_confirm_and_the_preview(api):
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()

    body = schema["components"]["schemas"]["MergeRequest"]
    assert "confirm" in body["required"]
    assert "write nothing" in body["properties"]["confirm"]["description"]
    answer = schema["paths"]["/api/v1/incidents/{public_id}/merge/"]["post"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/MergeResult"
    }
    one_of = schema["components"]["schemas"]["MergeResult"]["oneOf"]
    assert {"$ref": "#/components/schemas/MergePreview"} in one_of
    assert "conflicts" in schema["components"]["schemas"]["MergePreview"]["properties"]
