from __future__ import annotations

from django.urls import reverse

from incidents.models import Actor, Source
from tests.factories import ActorFactory, PublisherFactory, SourceFactory


def test_analyst_records_an_actor_with_aliases_parent_and_backers(analyst_client):
    iran = ActorFactory(name="Government of Iran", actor_type=1)
    pmf = ActorFactory(name="Popular Mobilization Forces", actor_type=3)

    response = analyst_client.post(
        reverse("admin:incidents_actor_add"),
        {
            "name": "Kataib Hezbollah",
            "aliases": "KH\nHezbollah Brigades",
            "actor_type": "3",
            "country": "IRQ",
            "parent": str(pmf.pk),
            "backed_by": [str(iran.pk)],
            "wikidata_id": "Q1351738",
            "ucdp_id": "",
        },
    )

    assert response.status_code == 302
    actor = Actor.objects.get(name="Kataib Hezbollah")
    assert actor.alias_list == ["KH", "Hezbollah Brigades"]
    assert actor.parent == pmf
    assert list(actor.backed_by.all()) == [iran]


def test_analyst_records_a_republished_source_with_its_originator(analyst_client):
    coalition = ActorFactory(name="US-led Coalition")
    original = SourceFactory(publisher="Al Arabiya", title="Coalition bases attacked")
    PublisherFactory(name="Track Persia")

    response = analyst_client.post(
        reverse("admin:incidents_source_add"),
        {
            "title": "Coalition bases attacked",
            "url": "https://example.org/track-persia/coalition-bases",
            "publisher": "Track Persia",
            "author": "",
            "published_at": "2022-01-06",
            "language": "en",
            "source_type": "news",
            "republished_from": str(original.pk),
            "originator": str(coalition.pk),
            "archive_url": "",
            "captured_at_0": "",
            "captured_at_1": "",
            "content_sha256": "",
        },
    )

    assert response.status_code == 302
    copy = Source.objects.get(publisher="Track Persia")
    assert copy.republished_from == original
    assert copy.originator == coalition


def test_unknown_language_code_is_a_form_error(analyst_client):
    response = analyst_client.post(
        reverse("admin:incidents_source_add"),
        {"title": "x", "publisher": "y", "source_type": "news", "language": "zz"},
    )

    assert response.context["adminform"].form.errors["language"] == ["zz is not an ISO 639-1 code."]
