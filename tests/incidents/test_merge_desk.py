"""The admin's merge desk: it offers the likely duplicates, compares the two records side by
side, and merges only once the comparison is confirmed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import CitationFactory, IncidentFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    """Two published records of the same rockets, a different death toll, each its source."""
    kept = IncidentFactory(title="Rockets hit the base", fatalities_best=2)
    duplicate = IncidentFactory(title="Rocket attack on the base", fatalities_best=3)
    CitationFactory(incident=kept, source=SourceFactory(title="AP wire"), quote="Two killed.")
    CitationFactory(incident=duplicate, source=SourceFactory(title="AFP wire"), quote="Three.")
    return kept, duplicate


def merge_url(incident) -> str:
    return reverse("admin:incidents_incident_merge", args=[incident.pk])


def test_the_merge_page_offers_the_likely_duplicates_as_choices(editor_client, pair):
    kept, duplicate = pair
    elsewhere = IncidentFactory(title="Far away", location__latitude=36.0)

    page = editor_client.get(merge_url(duplicate)).content.decode()

    assert f'name="candidate" value="{kept.pk}"' in page
    assert f"{kept.public_id}: Rockets hit the base" in page
    assert f'value="{elsewhere.pk}"' not in page and "Far away" not in page
    assert 'name="into"' in page  # any other record, by its public id


def test_choosing_shows_both_records_side_by_side_and_merges_nothing(editor_client, pair):
    kept, duplicate = pair

    response = editor_client.post(merge_url(duplicate), {"candidate": kept.pk, "note": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Rockets hit the base" in page and "Rocket attack on the base" in page
    differing = [row.label for row in response.context["rows"] if row.differs]
    assert differing == ["Title", "Location", "Fatalities (best)"]  # two places nearby
    assert '<tr class="differs"><th scope="row">Title</th>' in page
    assert "“Two killed.”" in page and "“Three.”" in page  # both records' citations
    assert 'name="confirm" value="merge"' in page
    duplicate.refresh_from_db()
    assert duplicate.status == "published" and duplicate.duplicate_of is None


def test_the_confirmed_comparison_merges(editor_client, pair):
    kept, duplicate = pair
    compared = editor_client.post(merge_url(duplicate), {"candidate": kept.pk, "note": "Same."})
    assert f'name="into" value="{kept.public_id}"' in compared.content.decode()

    response = editor_client.post(
        merge_url(duplicate), {"into": kept.public_id, "note": "Same.", "confirm": "merge"}
    )

    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == kept
    assert duplicate.retraction_reason == f"Same event as {kept.public_id}. Same."
    assert kept.citations.count() == 2


def test_a_merge_without_confirmation_is_refused(editor_client, pair):
    kept, duplicate = pair

    for answer in ({}, {"confirm": ""}, {"confirm": "yes please"}):
        response = editor_client.post(merge_url(duplicate), {"into": kept.public_id, **answer})
        assert response.status_code == 200

    duplicate.refresh_from_db()
    assert duplicate.status == "published" and duplicate.duplicate_of is None


def test_a_retracted_record_is_neither_offered_nor_compared(editor_client, pair):
    _, duplicate = pair
    retracted = IncidentFactory(status="retracted")

    page = editor_client.get(merge_url(duplicate)).content.decode()
    response = editor_client.post(merge_url(duplicate), {"into": retracted.public_id})

    assert f'value="{retracted.pk}"' not in page
    assert response.context["form"].errors["into"] == [
        f"{retracted.public_id} is retracted; merge into a published record."
    ]
    assert "rows" not in response.context
