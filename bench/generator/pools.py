"""The shared pools of places, actors, sources and tags: created once, reused by every run."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass

from bench.generator.shape import (
    COUNTRIES,
    COUNTRY_DRAW,
    POOL_SEED,
    SOURCE_URL_PREFIX,
    TAGS,
    YEAR_DRAW,
    Country,
    day_in,
)
from bench.generator.vocabulary import (
    CIVILIANS,
    COMMUNAL,
    EXTERNAL,
    EXTERNAL_FORCES,
    GROUP_NOUNS,
    GROUP_WORDS,
    MILITIA,
    PLACE_KINDS,
    PLACE_SUFFIXES,
    POLICE,
    PROTESTERS,
    PUBLISHERS,
    REBEL,
    RIOTERS,
    SOURCE_TOPICS,
    STATE,
    SYLLABLES,
)
from bench.generator.weighted import Weighted
from geo import gazetteer
from geo.models import Location
from incidents import derived
from incidents.models import Actor, Publisher, Source, Tag
from incidents.source_urls import normalised_url
from incidents.taxonomy import ActorType


@dataclass(frozen=True)
class PoolSizes:
    """How many places, armed groups and sources the pools hold, over all countries."""

    places: int
    armed_groups: int
    sources: int


# The fields below are those the incidents' derived columns are derived from
# (incidents.derived), which the generator writes with each incident.


@dataclass(frozen=True)
class Named:
    """An actor."""

    id: int
    name: str
    aliases: str = ""


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    region: str  # admin-1 area name, or the country's when unknown
    alternate_names: str = ""


@dataclass(frozen=True)
class PooledSource:
    id: int
    independence_key: str

    @property
    def pk(self) -> int:
        return self.id


@dataclass
class CountryPool:
    country: Country
    places: Weighted[Place]
    actors: dict[str, Weighted[Named]]


@dataclass
class Pools:
    countries: list[CountryPool]
    sources: Weighted[PooledSource]
    tags: Weighted[int]


def build_pools(sizes: PoolSizes) -> Pools:
    """The shared places, actors, sources and tags: created once, reused by every run."""
    rng = random.Random(POOL_SEED)
    place_specs = [_place_specs(rng, country, sizes.places) for country in COUNTRIES]
    actor_specs = [_actor_specs(rng, country, sizes.armed_groups) for country in COUNTRIES]
    source_specs = _source_specs(rng, sizes.sources)

    places = _saved_places([place for specs in place_specs for place in specs])
    # Countries' own forces first, so that "Military Forces of Russia" stays Russia's state
    # force when it also fights abroad, instead of becoming an external force.
    actors = _saved_actors(
        [actor for specs in actor_specs for kind in specs.values() for actor in kind]
        + [Actor(name=name, actor_type=ActorType.EXTERNAL_FORCES) for name in EXTERNAL_FORCES]
    )
    countries = [
        CountryPool(
            country=country,
            places=Weighted.zipf([places[_place_key(place)] for place in place_specs[index]]),
            actors=_actor_draws(country, actor_specs[index], actors),
        )
        for index, country in enumerate(COUNTRIES)
    ]
    return Pools(
        countries=countries,
        sources=Weighted.zipf(_saved_sources(source_specs), exponent=0.9),
        tags=Weighted.zipf(_saved_tags()),
    )


def _actor_draws(
    country: Country, specs: dict[str, list[Actor]], saved: dict[str, Named]
) -> dict[str, Weighted[Named]]:
    draws = {
        kind: Weighted.zipf([saved[actor.name] for actor in actors], exponent=1.1)
        for kind, actors in specs.items()
    }
    foreign = [saved[name] for name, where in EXTERNAL_FORCES.items() if country.iso3 in where]
    if foreign:
        draws[EXTERNAL] = Weighted.zipf(foreign)
    return draws


def _share(country: Country, total: int, minimum: int) -> int:
    return max(minimum, round(total * country.weight / COUNTRY_DRAW.cumulative[-1]))


def _place_specs(rng: random.Random, country: Country, pool_size: int) -> list[Location]:
    """Places clustered around a few hot spots, each hot spot within one admin-1 area."""
    areas = sorted(gazetteer.admin1_areas(country.iso3).items())
    hubs = [(_point_in(rng, country.bbox), rng.choice(areas)) for _ in range(2 + len(areas) // 8)]
    names: set[str] = set()
    specs = []
    for _ in range(_share(country, pool_size, minimum=12)):
        if rng.random() < 0.7:
            (lat, lon), area = rng.choice(hubs)
            lat, lon = _near(rng, lat, lon, country.bbox)
        else:
            (lat, lon), area = _point_in(rng, country.bbox), rng.choice(areas)
        kind = PLACE_KINDS.draw(rng)
        name = _unique(names, lambda: _place_name(rng)) + PLACE_SUFFIXES.get(kind, "")
        specs.append(
            Location(
                name=name,
                kind=kind,
                latitude=round(lat, 4),
                longitude=round(lon, 4),
                country=country.iso3,
                admin1=area[0],
            )
        )
    return specs


def _point_in(rng: random.Random, bbox: tuple[float, float, float, float]) -> tuple[float, float]:
    min_lon, min_lat, max_lon, max_lat = bbox
    return rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)


def _near(
    rng: random.Random, lat: float, lon: float, bbox: tuple[float, float, float, float]
) -> tuple[float, float]:
    min_lon, min_lat, max_lon, max_lat = bbox
    lat = min(max_lat, max(min_lat, rng.gauss(lat, 0.35)))
    lon = min(max_lon, max(min_lon, rng.gauss(lon, 0.35)))
    return lat, lon


def _place_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()


def _unique(taken: set[str], make: Callable[[], str]) -> str:
    name = make()
    while name in taken:
        name = make()
    taken.add(name)
    return name


def _actor_specs(rng: random.Random, country: Country, pool_size: int) -> dict[str, list[Actor]]:
    """One state force, police, civilians, protesters and rioters; armed groups by weight."""
    name, iso3 = country.name, country.iso3
    areas = sorted(gazetteer.admin1_areas(iso3).values()) or [name]
    groups = _share(country, pool_size, minimum=6)
    taken: set[str] = set()

    def actor(actor_name: str, actor_type: int) -> Actor:
        return Actor(name=actor_name, actor_type=actor_type, country=iso3)

    def armed_group(actor_type: int) -> Actor:
        return actor(_group_name(rng, name, areas, taken), actor_type)

    return {
        STATE: [actor(f"Military Forces of {name}", ActorType.STATE_FORCES)],
        POLICE: [actor(f"Police Forces of {name}", ActorType.STATE_FORCES)],
        REBEL: [actor(f"Unidentified Armed Group ({name})", ActorType.REBEL_GROUP)]
        + [armed_group(ActorType.REBEL_GROUP) for _ in range(groups // 2)],
        MILITIA: [armed_group(ActorType.POLITICAL_MILITIA) for _ in range(groups // 3)],
        COMMUNAL: [
            actor(f"{area} Communal Militia ({name})", ActorType.IDENTITY_MILITIA)
            for area in rng.sample(areas, min(len(areas), max(2, groups // 6)))
        ],
        PROTESTERS: [actor(f"Protesters ({name})", ActorType.PROTESTERS)],
        RIOTERS: [actor(f"Rioters ({name})", ActorType.RIOTERS)],
        CIVILIANS: [actor(f"Civilians ({name})", ActorType.CIVILIANS)],
    }


def _group_name(rng: random.Random, country: str, areas: list[str], taken: set[str]) -> str:
    """Short names like 'Popular Front (Syria)' first, then 'Popular Front of Idlib (Syria)'."""
    for _ in range(3):
        name = f"{rng.choice(GROUP_WORDS)} {rng.choice(GROUP_NOUNS)} ({country})"
        if name not in taken:
            taken.add(name)
            return name
    return _unique(
        taken,
        lambda: f"{rng.choice(GROUP_WORDS)} {rng.choice(GROUP_NOUNS)} of {rng.choice(areas)} "
        f"({country})",
    )


def _source_specs(rng: random.Random, pool_size: int) -> list[Source]:
    publishers = Weighted.zipf(PUBLISHERS)
    specs = []
    for number in range(1, pool_size + 1):
        publisher, source_type, language = publishers.draw(rng)
        published = day_in(rng, YEAR_DRAW.draw(rng))
        specs.append(
            Source(
                title=f"{rng.choice(SOURCE_TOPICS)}, {published:%d %B %Y}",
                url=f"{SOURCE_URL_PREFIX}{number:05d}",
                url_key=normalised_url(
                    f"{SOURCE_URL_PREFIX}{number:05d}"
                ),  # bulk_create: no save()
                publisher_id=publisher,
                published_at=published,
                language=language,
                source_type=source_type,
            )
        )
    return specs


def _place_key(place: Location) -> tuple[str, str]:
    return place.country, place.name


def _saved_places(specs: list[Location]) -> dict[tuple[str, str], Place]:
    """The pool's places by (country, name), creating those not in the database yet."""
    existing = {}
    for country, batch in itertools.groupby(specs, key=lambda spec: spec.country):
        rows = Location.objects.filter(country=country, name__in=[spec.name for spec in batch])
        for row in rows.order_by("-id"):  # the oldest wins when a name repeats
            existing[_place_key(row)] = row
    missing = [spec for spec in specs if _place_key(spec) not in existing]
    for row in Location.objects.bulk_create(missing, batch_size=1000):
        existing[_place_key(row)] = row
    return {key: _place(row) for key, row in existing.items()}


def _place(row: Location) -> Place:
    region = gazetteer.admin1_name(row.admin1) or gazetteer.country_name(row.country)
    return Place(id=row.pk, name=row.name, region=region, alternate_names=row.alternate_names)


def _saved_actors(specs: list[Actor]) -> dict[str, Named]:
    Actor.objects.bulk_create(specs, batch_size=1000, ignore_conflicts=True)
    names = [spec.name for spec in specs]
    rows = Actor.objects.filter(name__in=names).values_list("id", "name", "aliases")
    return {name: Named(pk, name, aliases) for pk, name, aliases in rows}


def _saved_sources(specs: list[Source]) -> list[PooledSource]:
    Publisher.objects.bulk_create(
        [Publisher(name=name) for name in {spec.publisher_id for spec in specs}],
        ignore_conflicts=True,
    )
    pooled = Source.objects.filter(url__startswith=SOURCE_URL_PREFIX)
    existing = set(pooled.values_list("url", flat=True))
    missing = [spec for spec in specs if spec.url not in existing]
    created = Source.objects.bulk_create(missing, batch_size=1000)
    derived.refresh_sources([row.pk for row in created])
    keys = {url: (pk, key) for url, pk, key in pooled.values_list("url", "id", "independence_key")}
    return [PooledSource(*keys[spec.url]) for spec in specs]


def _saved_tags() -> list[int]:
    Tag.objects.bulk_create([Tag(name=name) for name in TAGS], ignore_conflicts=True)
    ids = dict(Tag.objects.filter(name__in=TAGS).values_list("name", "id"))
    return [ids[name] for name in TAGS]
