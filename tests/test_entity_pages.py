"""The public pages of actors, places, sources and tags: what is known, and their public
incidents only."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest

from geo.models import Location
from incidents.models import Actor, Incident, Source, Tag
from tests.api import test_draft_only_records
from tests.factories import (
    ActorFactory,
    CitationFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

# A published, a retracted and a draft incident, the draft naming its own actor, place,
# source and tag, as the API's tests build them.
records = test_draft_only_records.records
SECRET = test_draft_only_records.SECRET


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def three_incidents(**names):
    """A published, a retracted and a draft incident, each naming what `names` give."""
    return [
        IncidentFactory(title=f"{status.capitalize()} strike", status=status, **names)
        for status in ("published", "retracted", "draft")
    ]


def test_an_actor_page_says_who_it_is_and_lists_its_published_incidents(client):
    actor = ActorFactory(
        name="Kata'ib Example",
        aliases="KE\nExample Brigades",
        country="IRQ",
        parent=ActorFactory(name="Popular Mobilization Forces"),
    )
    actor.backed_by.add(ActorFactory(name="Quds Force"))
    for incident in three_incidents():
        IncidentActorFactory(incident=incident, actor=actor)
    for other in (actor.parent, *actor.backed_by.all()):  # public themselves
        IncidentActorFactory(incident=IncidentFactory(status="published"), actor=other)

    html = page(client, f"/actors/{actor.pk}/")

    assert "<h1>Kata&#x27;ib Example</h1>" in html
    assert "KE; Example Brigades" in html
    assert "Iraq (IRQ)" in html
    assert f'<a href="/actors/{actor.parent.pk}/">Popular Mobilization Forces</a>' in html
    assert ">Quds Force</a>" in html
    assert "1 published incident<" in html
    assert "Published strike" in html
    assert "Retracted strike" not in html and "Draft strike" not in html
    assert f'href="/incidents/?actor={actor.pk}"' in html


def test_a_place_page_gives_its_coordinates_precision_and_areas(client):
    place = LocationFactory(
        name="Ain al-Asad Air Base",
        alternate_names="Al Asad Airbase",
        latitude=33.7856,
        longitude=42.4412,
        country="IRQ",
        admin1="IQ-AN",
    )
    three_incidents(location=place, geo_precision=2)

    html = page(client, f"/places/{place.pk}/")

    assert "Al Asad Airbase" in html
    assert "33.7856, 42.4412" in html
    assert "2 – near (within about 25 km)" in html
    assert "(IQ-AN)" in html and "Iraq (IRQ)" in html
    assert "1 published incident<" in html
    assert "Published strike" in html and "Draft strike" not in html
    assert f'href="/incidents/?location={place.pk}"' in html


def test_a_source_page_gives_its_publisher_chain_and_independence(client):
    original = SourceFactory(
        title="Coalition statement", publisher="CJTF-OIR", published_at=dt.date(2022, 1, 5)
    )
    copy = SourceFactory(
        title="Rockets hit the base",
        publisher="Example Wire",
        url="https://wire.example/rockets",
        published_at=dt.date(2022, 1, 6),
        republished_from=original,
    )
    quoting = SourceFactory(title="Another outlet quotes it", republished_from=original)
    for incident in three_incidents():
        CitationFactory(incident=incident, source=copy)
    CitationFactory(incident=IncidentFactory(status="published"), source=quoting)

    html = page(client, f"/sources/{copy.pk}/")

    assert "Example Wire" in html and "6 January 2022" in html
    assert 'href="https://wire.example/rockets"' in html
    assert f'<a href="/sources/{original.pk}/">Coalition statement</a> (CJTF-OIR' in html
    assert "goes back to the same origin as" in html
    assert f'<a href="/sources/{quoting.pk}/">Another outlet quotes it</a>' in html
    assert "1 published incident<" in html
    assert "Published strike" in html and "Draft strike" not in html
    assert "Republished by" in page(client, f"/sources/{original.pk}/")


def test_a_tag_page_lists_its_published_incidents(client):
    tag = Tag.objects.create(name="Soleimani anniversary, 2022")
    for incident in three_incidents():
        incident.tags.add(tag)

    html = page(client, f"/tags/{quote(tag.name)}/")

    assert "<h1>Soleimani anniversary, 2022</h1>" in html
    assert "1 published incident<" in html
    assert "Published strike" in html and "Retracted strike" not in html
    # The tag holds a comma: the explorer's link quotes it as the list filter reads it.
    assert 'href="/incidents/?tag=%22Soleimani+anniversary%2C+2022%22"' in html


def test_a_tag_the_filter_cannot_name_has_no_page_rather_than_an_error(client):
    tag = Tag.objects.create(name=" padded ")
    IncidentFactory().tags.add(tag)

    assert client.get(f"/tags/{quote(tag.name)}/").status_code == 404


def test_a_record_that_only_retracted_incidents_name_has_a_page_without_incidents(client):
    actor = ActorFactory()
    IncidentActorFactory(incident=IncidentFactory(status="retracted"), actor=actor)

    html = page(client, f"/actors/{actor.pk}/")

    assert "0 published incidents" in html
    assert "No published incident names it." in html
    assert f'href="/incidents/?actor={actor.pk}&amp;status=retracted"' in html


def unmasked(response) -> str:
    """The page without its CSRF token (the header's logout button), masked anew each time."""
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())


def draft_only_pages() -> list[str]:
    actors = Actor.objects.filter(name__startswith=SECRET)
    sources = Source.objects.filter(title__startswith=SECRET)
    places = Location.objects.filter(name__startswith=SECRET)  # a village, a launch site, a region
    return [
        *(f"/actors/{actor.pk}/" for actor in actors),
        *(f"/sources/{source.pk}/" for source in sources),
        *(f"/places/{place.pk}/" for place in places),
        f"/tags/{quote(SECRET)}%20campaign/",
    ]


@pytest.mark.parametrize("reader", ["anonymous", "researcher"])
def test_a_record_only_drafts_name_is_not_found_like_one_that_does_not_exist(
    client, records, researcher, reader
):
    if reader == "researcher":
        client.force_login(researcher)
    nowhere = {
        kind: client.get(f"/{kind}/{key}/")
        for kind, key in [("actors", 999999), ("sources", 999999), ("places", 999999)]
    }
    nowhere["tags"] = client.get("/tags/Nowhere%20at%20all/")

    hidden = draft_only_pages()
    assert len(hidden) == 8
    for path in hidden:
        response = client.get(path)
        expected = nowhere[path.split("/")[1]]
        assert response.status_code == expected.status_code == 404, path
        assert unmasked(response) == unmasked(expected), path


def test_a_public_records_page_leaves_out_what_only_drafts_name(client, records):
    group = Actor.objects.get(name="Public group")
    town = records["published"].location

    for path in [f"/actors/{group.pk}/", f"/places/{town.pk}/", "/tags/public%20campaign/"]:
        html = page(client, path)
        assert SECRET not in html, path
        assert records["published"].title in html, path
    assert "no larger organisation recorded" in page(client, f"/actors/{group.pk}/")
    assert "no backer recorded" in page(client, f"/actors/{group.pk}/")


def test_the_permalink_links_its_actors_places_sources_and_tags(client, seeded):
    incident = Incident.objects.get(public_id="IRQ-2022-00003")  # the Baghdad airport drones

    html = page(client, f"/incidents/{incident.public_id}/")

    assert f'href="/places/{incident.location_id}/"' in html
    for actor in incident.actors.all():
        assert f'<a href="/actors/{actor.pk}/">{actor.name}</a>' in html
    for source in incident.sources.all():
        assert f'href="/sources/{source.pk}/"' in html
    for tag in incident.tags.all():
        assert f'href="/tags/{quote(tag.name, safe=",")}/"' in html


def test_the_explorer_links_places_in_rows_and_actors_in_facets(client, seeded):
    html = page(client, "/incidents/")

    for incident in seeded.values():
        assert f'href="/places/{incident.location_id}/"' in html
    actor = Actor.objects.public().first()
    assert f'href="/actors/{actor.pk}/">page' in html


def test_an_actor_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    actor = ActorFactory(parent=ActorFactory())
    actor.backed_by.add(ActorFactory())
    for _ in range(3):
        incident = IncidentFactory(status="published")
        IncidentActorFactory(incident=incident, actor=actor)
        IncidentActorFactory(incident=incident, actor=actor.parent)

    # The request's savepoint and its release; the actor; its parent and its backers (public
    # ones); the filter's check that the actor is public; the 8 facets; the rows; the count;
    # its public units; whom it backs. As many with 3 incidents as with 300.
    with django_assert_num_queries(18):
        assert client.get(f"/actors/{actor.pk}/").status_code == 200
