"""Synthetic incidents for benchmarks, with the skew of real conflict data.

A few conflict countries dominate and a long tail follows; recent years are denser; ACLED
types come in realistic proportions; actors, places and sources are drawn from shared pools
with Zipf-like reuse, as in real datasets where a handful of armed groups and outlets account
for most records. Every row satisfies the models' validation and database constraints.

Everything is drawn from seeded random generators, so a seed always gives the same incidents
(their public ids aside: those come from the counter and are never reused). The pools of
places, actors, sources and tags come from a fixed seed, so that later runs reuse them
instead of piling up new ones. Rows are bulk-inserted in batches, each in its own
transaction, so memory stays flat whatever the count.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.db import connection, models, transaction

from geo import gazetteer
from geo.models import Location, LocationKind
from incidents.models import (
    Actor,
    Citation,
    Incident,
    IncidentActor,
    PublicIdCounter,
    Source,
    Tag,
)
from incidents.provenance import refresh_independence_keys, refresh_independent_sources
from incidents.search import refresh_search_documents
from incidents.taxonomy import (
    ACLED_EVENT_TYPES,
    ActorRole,
    ActorType,
    Attribution,
    Claim,
    Confidence,
    Damage,
    DatePrecision,
    GeoPrecision,
    Outcome,
    SourceType,
    Stance,
    Status,
    ViolenceType,
    Weapon,
)

DATASET = "synthetic"
FIRST_YEAR, LAST_YEAR = 2006, 2025
# Entry and edit times stop here, so that a seed gives the same rows whenever it runs.
LATEST_TIMESTAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
POOL_SEED = "tessera-synthetic-pools"
SOURCE_URL_PREFIX = "https://synthetic.invalid/sources/"
PLACE_POOL_SIZE = 4000
ARMED_GROUP_POOL_SIZE = 2600
SOURCE_POOL_SIZE = 2500

T = TypeVar("T")


class Weighted(Generic[T]):
    """Items drawn in proportion to their weights, by bisecting cumulative weights."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))

    @classmethod
    def of(cls, pairs: Sequence[tuple[T, float]]) -> Weighted[T]:
        return cls([item for item, _ in pairs], [weight for _, weight in pairs])

    @classmethod
    def zipf(cls, items: Sequence[T], exponent: float = 1.0) -> Weighted[T]:
        """The first item most often, the k-th about 1/k^exponent as often."""
        return cls(items, [1 / rank**exponent for rank in range(1, len(items) + 1)])

    def draw(self, rng: random.Random) -> T:
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


# -- The shape of the data ---------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str  # short form, for actor names and narratives
    weight: float
    bbox: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


# Shares loosely follow ACLED's counts of political violence and protest events.
COUNTRIES = (
    Country("SYR", "Syria", 14, (35.7, 32.3, 42.4, 37.3)),
    Country("UKR", "Ukraine", 13, (22.1, 44.4, 40.2, 52.4)),
    Country("IRQ", "Iraq", 8, (38.8, 29.1, 48.6, 37.4)),
    Country("YEM", "Yemen", 8, (42.5, 12.6, 53.1, 19.0)),
    Country("AFG", "Afghanistan", 7, (60.5, 29.4, 74.9, 38.5)),
    Country("SDN", "Sudan", 5, (21.8, 8.7, 38.6, 22.2)),
    Country("SOM", "Somalia", 5, (40.9, -1.7, 51.4, 12.0)),
    Country("NGA", "Nigeria", 5, (2.7, 4.3, 14.7, 13.9)),
    Country("MMR", "Myanmar", 5, (92.2, 9.8, 101.2, 28.5)),
    Country("COD", "DR Congo", 4, (12.2, -13.5, 31.3, 5.4)),
    Country("MLI", "Mali", 3, (-12.2, 10.1, 4.3, 25.0)),
    Country("BFA", "Burkina Faso", 3, (-5.5, 9.4, 2.4, 15.1)),
    Country("PAK", "Pakistan", 3, (60.9, 23.7, 77.8, 37.1)),
    Country("ETH", "Ethiopia", 3, (33.0, 3.4, 48.0, 14.9)),
    Country("PSE", "Palestine", 3, (34.2, 31.2, 35.6, 32.6)),
    Country("MEX", "Mexico", 2.5, (-117.1, 14.5, -86.7, 32.7)),
    Country("LBY", "Libya", 2, (9.3, 19.5, 25.2, 33.2)),
    Country("SSD", "South Sudan", 2, (23.9, 3.5, 35.9, 12.2)),
    Country("COL", "Colombia", 2, (-79.0, -4.2, -66.9, 12.5)),
    Country("IND", "India", 2, (68.1, 6.7, 97.4, 35.5)),
    Country("ISR", "Israel", 1.5, (34.3, 29.5, 35.9, 33.3)),
    Country("LBN", "Lebanon", 1.5, (35.1, 33.05, 36.6, 34.7)),
    Country("CAF", "Central African Republic", 1.5, (14.4, 2.2, 27.5, 11.0)),
    Country("BRA", "Brazil", 1.5, (-74.0, -33.8, -34.8, 5.3)),
    Country("PHL", "Philippines", 1.5, (116.9, 4.6, 126.6, 21.1)),
    Country("CMR", "Cameroon", 1.5, (8.5, 1.7, 16.2, 13.1)),
    Country("NER", "Niger", 1.2, (0.2, 11.7, 16.0, 23.5)),
    Country("MOZ", "Mozambique", 1, (30.2, -26.9, 40.8, -10.5)),
    Country("TUR", "Turkey", 1, (26.0, 35.8, 44.8, 42.1)),
    Country("RUS", "Russia", 1, (30.0, 43.0, 50.0, 56.0)),  # the western regions only
    Country("TCD", "Chad", 0.8, (13.5, 7.4, 24.0, 23.5)),
    Country("KEN", "Kenya", 0.8, (33.9, -4.7, 41.9, 5.0)),
    Country("IRN", "Iran", 0.8, (44.0, 25.1, 63.3, 39.8)),
    Country("HTI", "Haiti", 0.8, (-74.5, 18.0, -71.6, 20.1)),
    Country("BGD", "Bangladesh", 0.8, (88.0, 20.7, 92.7, 26.6)),
    Country("EGY", "Egypt", 0.6, (24.7, 22.0, 36.9, 31.7)),
    Country("VEN", "Venezuela", 0.5, (-73.4, 0.6, -59.8, 12.2)),
    Country("ZAF", "South Africa", 0.5, (16.5, -34.8, 32.9, -22.1)),
    Country("IDN", "Indonesia", 0.4, (95.0, -11.0, 141.0, 6.0)),
    Country("UGA", "Uganda", 0.4, (29.6, -1.5, 35.0, 4.2)),
    Country("THA", "Thailand", 0.3, (97.3, 5.6, 105.6, 20.5)),
    Country("BDI", "Burundi", 0.3, (29.0, -4.5, 30.9, -2.3)),
    Country("SAU", "Saudi Arabia", 0.3, (34.5, 16.4, 55.7, 32.2)),
    Country("AZE", "Azerbaijan", 0.3, (44.8, 38.4, 50.4, 41.9)),
    Country("ARM", "Armenia", 0.3, (43.4, 38.8, 46.6, 41.3)),
    Country("HND", "Honduras", 0.3, (-89.4, 13.0, -83.1, 16.5)),
    Country("GTM", "Guatemala", 0.2, (-92.2, 13.7, -88.2, 17.8)),
    Country("ECU", "Ecuador", 0.2, (-81.0, -5.0, -75.2, 1.5)),
    Country("PER", "Peru", 0.2, (-81.3, -18.4, -68.7, -0.1)),
    Country("JOR", "Jordan", 0.1, (34.9, 29.2, 39.3, 33.4)),
)
COUNTRY_DRAW = Weighted(range(len(COUNTRIES)), [country.weight for country in COUNTRIES])
# Coverage grows year by year: the last year holds about 14 times as many events as the first.
YEAR_DRAW = Weighted(
    range(FIRST_YEAR, LAST_YEAR + 1), [1.15**offset for offset in range(LAST_YEAR - FIRST_YEAR + 1)]
)

_EVENT_TYPE_OF = {sub: event for event, subs in ACLED_EVENT_TYPES.items() for sub in subs}
# Relative frequency (about percent) of each ACLED sub-event type; a misspelt name fails
# at import.
SUB_EVENT_DRAW = Weighted.of(
    [
        ((_EVENT_TYPE_OF[sub], sub), weight)
        for sub, weight in {
            "Armed clash": 14,
            "Government regains territory": 0.6,
            "Non-state actor overtakes territory": 0.6,
            "Chemical weapon": 0.05,
            "Air/drone strike": 9,
            "Suicide bomb": 0.4,
            "Shelling/artillery/missile attack": 16,
            "Remote explosive/landmine/IED": 3.5,
            "Grenade": 0.8,
            "Sexual violence": 0.4,
            "Attack": 10,
            "Abduction/forced disappearance": 2,
            "Peaceful protest": 18,
            "Protest with intervention": 2,
            "Excessive force against protesters": 0.3,
            "Violent demonstration": 4,
            "Mob violence": 3,
            "Agreement": 0.4,
            "Arrests": 2,
            "Change to group/activity": 1.2,
            "Disrupted weapons use": 2.5,
            "Headquarters or base established": 0.2,
            "Looting/property destruction": 1.5,
            "Non-violent transfer of territory": 0.3,
            "Other": 0.8,
        }.items()
    ]
)

BATTLES = "Battles"
EXPLOSIONS = "Explosions/Remote violence"
CIVILIAN_VIOLENCE = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
LETHAL_TYPES = {BATTLES, EXPLOSIONS, CIVILIAN_VIOLENCE}
DISRUPTED = "Disrupted weapons use"

WEAPONS: dict[str, Weighted[str]] = {
    "Air/drone strike": Weighted.of([(Weapon.AIRSTRIKE, 6), (Weapon.ARMED_DRONE, 4)]),
    "Shelling/artillery/missile attack": Weighted.of(
        [
            (Weapon.ARTILLERY, 5),
            (Weapon.ROCKET, 3),
            (Weapon.INDIRECT_FIRE, 3),
            (Weapon.MISSILE, 2),
        ]
    ),
    "Remote explosive/landmine/IED": Weighted.of([(Weapon.IED, 1)]),
    "Suicide bomb": Weighted.of([(Weapon.IED, 1)]),
    "Grenade": Weighted.of([(Weapon.OTHER, 1)]),
    "Chemical weapon": Weighted.of([(Weapon.OTHER, 1)]),
    "Armed clash": Weighted.of([(Weapon.SMALL_ARMS, 8), (Weapon.UNKNOWN, 2)]),
    "Government regains territory": Weighted.of([(Weapon.SMALL_ARMS, 1), (Weapon.UNKNOWN, 1)]),
    "Non-state actor overtakes territory": Weighted.of(
        [(Weapon.SMALL_ARMS, 1), (Weapon.UNKNOWN, 1)]
    ),
    "Attack": Weighted.of([(Weapon.SMALL_ARMS, 6), (Weapon.UNKNOWN, 4)]),
    DISRUPTED: Weighted.of([(Weapon.ARMED_DRONE, 5), (Weapon.MISSILE, 3), (Weapon.ROCKET, 2)]),
}
NO_WEAPON = Weighted.of([(Weapon.UNKNOWN, 1)])
# Weapons whose rounds, rockets or drones reports count.
COUNTED_WEAPONS = {
    Weapon.ROCKET,
    Weapon.INDIRECT_FIRE,
    Weapon.ARTILLERY,
    Weapon.MISSILE,
    Weapon.ARMED_DRONE,
    Weapon.AIRSTRIKE,
}
STRIKE_OUTCOMES = Weighted.of(
    [(Outcome.IMPACT, 80), (Outcome.FELL_SHORT, 5), (Outcome.UNKNOWN, 15)]
)
STRIKE_DAMAGE = Weighted.of(
    [
        (Damage.NONE, 15),
        (Damage.MINOR, 20),
        (Damage.MAJOR, 15),
        (Damage.DESTROYED, 5),
        (Damage.UNKNOWN, 45),
    ]
)
DATE_PRECISIONS = Weighted.of(
    [
        (DatePrecision.DAY, 85),
        (DatePrecision.DAYS, 5),
        (DatePrecision.WEEK, 4),
        (DatePrecision.MONTH, 4),
        (DatePrecision.YEAR, 2),
    ]
)
GEO_PRECISIONS = Weighted.of(
    [
        (GeoPrecision.EXACT, 40),
        (GeoPrecision.NEAR, 35),
        (GeoPrecision.ADMIN2, 14),
        (GeoPrecision.ADMIN1, 8),
        (GeoPrecision.LARGER_AREA, 3),
    ]
)
CONFIDENCES = Weighted.of(
    [
        (Confidence.CONFIRMED, 30),
        (Confidence.LIKELY, 35),
        (Confidence.SINGLE_SOURCE, 25),
        (Confidence.CONTESTED, 7),
        (Confidence.DISCOUNTED, 3),
    ]
)
STATUSES = Weighted.of(
    [(Status.PUBLISHED, 90), (Status.DRAFT, 4), (Status.IN_REVIEW, 3), (Status.RETRACTED, 3)]
)
RETRACTION_REASON = "Withdrawn: the reports turned out to describe another event."
PERPETRATOR_ATTRIBUTIONS = Weighted.of(
    [
        (Attribution.CONFIRMED, 45),
        (Attribution.CLAIMED, 15),
        (Attribution.ALLEGED, 25),
        (Attribution.SUSPECTED, 15),
    ]
)
OTHER_ATTRIBUTIONS = Weighted.of([(Attribution.CONFIRMED, 90), (Attribution.ALLEGED, 10)])

TAGS = (
    "cross-border",
    "ceasefire violation",
    "critical infrastructure",
    "energy infrastructure",
    "health care",
    "education",
    "aid workers",
    "journalists",
    "displacement",
    "checkpoint",
    "election period",
    "night attack",
    "market",
    "place of worship",
    "border area",
    "oil field",
)

# -- Actors --------------------------------------------------------------------------------

STATE, POLICE, REBEL, MILITIA, COMMUNAL = "state", "police", "rebel", "militia", "communal"
PROTESTERS, RIOTERS, CIVILIANS, EXTERNAL = "protesters", "rioters", "civilians", "external"
ARMED_KINDS = (STATE, REBEL, MILITIA, COMMUNAL)
GROUP_WORDS = (
    "Liberation",
    "Revolutionary",
    "Popular",
    "National",
    "Democratic",
    "Patriotic",
    "United",
    "Free",
    "Resistance",
    "Salvation",
    "Unity",
    "Dawn",
    "Victory",
    "Justice",
    "Martyrs",
    "Defence",
)
GROUP_NOUNS = (
    "Front",
    "Army",
    "Brigades",
    "Movement",
    "Battalions",
    "Forces",
    "Council",
    "Alliance",
    "Guard",
    "Legion",
)
# Foreign forces and the countries they fight in.
EXTERNAL_FORCES = {
    "Military Forces of Russia": ("UKR", "SYR", "MLI", "CAF", "LBY"),
    "Military Forces of the United States": ("IRQ", "SYR", "AFG", "SOM", "YEM"),
    "US-led Coalition": ("IRQ", "SYR"),
    "Military Forces of Turkey": ("SYR", "IRQ", "LBY", "AZE"),
    "Military Forces of Israel": ("PSE", "LBN", "SYR", "IRN", "YEM"),
    "Saudi-led Coalition": ("YEM",),
    "Military Forces of Iran": ("IRQ", "SYR", "PAK"),
    "Islamic Revolutionary Guard Corps": ("SYR", "IRQ"),
    "Wagner Group": ("MLI", "CAF", "LBY", "SDN", "SYR", "MOZ"),
    "African Union Mission": ("SOM",),
    "UN Peacekeeping Mission": ("COD", "MLI", "CAF", "SSD", "LBN", "SDN"),
    "Military Forces of France": ("MLI", "BFA", "NER", "TCD"),
    "Military Forces of the United Arab Emirates": ("YEM", "LBY"),
    "Military Forces of Ethiopia": ("SOM",),
    "Military Forces of Kenya": ("SOM",),
    "Military Forces of Rwanda": ("COD", "MOZ"),
    "Military Forces of Egypt": ("LBY",),
    "Military Forces of Chad": ("NER", "NGA", "CMR", "MLI"),
    "Military Forces of Pakistan": ("AFG", "IND"),
    "Military Forces of India": ("PAK",),
    "Military Forces of Ukraine": ("RUS",),
    "Military Forces of Armenia": ("AZE",),
    "Military Forces of Azerbaijan": ("ARM",),
    "Private Security Forces": ("MEX", "COL", "BRA", "HTI", "NGA"),
}

# Who takes part in each kind of event: (role, kinds to draw from with weights, chance).
Slot = tuple[str, Weighted[str], float]


def _kinds(**weights: float) -> Weighted[str]:
    return Weighted.of(list(weights.items()))


ARMED = _kinds(state=40, rebel=30, militia=15, communal=10, external=5)
ARMED_TARGETS = _kinds(state=35, rebel=35, militia=20, communal=10)
STRIKE_TARGETS = _kinds(civilians=40, state=25, rebel=25, militia=10)
SLOTS: dict[str, tuple[Slot, ...]] = {
    BATTLES: (
        (ActorRole.PERPETRATOR, ARMED, 1.0),
        (ActorRole.TARGET, ARMED_TARGETS, 0.95),
        (ActorRole.OTHER, ARMED, 0.25),
    ),
    EXPLOSIONS: (
        (ActorRole.PERPETRATOR, _kinds(state=40, external=15, rebel=30, militia=15), 0.85),
        (ActorRole.TARGET, STRIKE_TARGETS, 0.85),
        (ActorRole.CLAIMANT, _kinds(rebel=2, militia=1), 0.08),
        (ActorRole.RESPONDER, _kinds(state=1), 0.1),
    ),
    CIVILIAN_VIOLENCE: (
        (ActorRole.PERPETRATOR, _kinds(rebel=30, militia=35, communal=10, state=25), 1.0),
        (ActorRole.TARGET, _kinds(civilians=1), 1.0),
    ),
    PROTESTS: (
        (ActorRole.OTHER, _kinds(protesters=1), 1.0),
        (ActorRole.RESPONDER, _kinds(police=1), 0.2),
    ),
    RIOTS: (
        (ActorRole.PERPETRATOR, _kinds(rioters=1), 1.0),
        (ActorRole.TARGET, _kinds(civilians=50, police=30, state=20), 0.7),
    ),
    DISRUPTED: (
        (ActorRole.INTERCEPTOR, _kinds(state=3, external=2), 1.0),
        (ActorRole.TARGET, _kinds(state=3, external=2), 0.8),
        (ActorRole.PERPETRATOR, _kinds(rebel=1, militia=2, external=1), 0.6),
    ),
    "Arrests": (
        (ActorRole.PERPETRATOR, _kinds(police=3, state=1), 1.0),
        (ActorRole.TARGET, _kinds(protesters=1, rebel=1, civilians=2), 0.9),
    ),
    "Strategic developments": ((ActorRole.OTHER, _kinds(state=2, rebel=2, militia=1), 1.0),),
}

# -- Places and sources ---------------------------------------------------------------------

SYLLABLES = (
    "al",
    "ba",
    "bir",
    "da",
    "dar",
    "el",
    "ga",
    "ha",
    "ja",
    "ka",
    "kar",
    "kha",
    "la",
    "ma",
    "mar",
    "na",
    "ra",
    "sa",
    "sha",
    "ta",
    "tal",
    "wa",
    "ya",
    "za",
    "zan",
    "bo",
    "ko",
    "lu",
    "mi",
    "ni",
    "ri",
    "to",
    "vo",
    "yi",
)
PLACE_KINDS = Weighted.of(
    [
        (LocationKind.VILLAGE, 40),
        (LocationKind.CITY, 32),
        (LocationKind.DISTRICT, 8),
        (LocationKind.AREA, 8),
        (LocationKind.MILITARY_BASE, 8),
        (LocationKind.AIRPORT, 4),
    ]
)
PLACE_SUFFIXES = {
    LocationKind.DISTRICT: " District",
    LocationKind.AREA: " Valley",
    LocationKind.MILITARY_BASE: " Military Base",
    LocationKind.AIRPORT: " Airport",
}
# Fictional outlets: synthetic reports must not be attributed to real ones.
PUBLISHERS = (
    ("Regional Wire Service", SourceType.WIRE, "en"),
    ("The Frontline Monitor", SourceType.NEWS, "en"),
    ("Conflict Observatory", SourceType.REPORT, "en"),
    ("Al-Sahel Daily", SourceType.NEWS, "ar"),
    ("Ministry of Defence statements", SourceType.OFFICIAL_STATEMENT, "en"),
    ("Le Courrier du Sahel", SourceType.NEWS, "fr"),
    ("Eastern Front News", SourceType.NEWS, "uk"),
    ("Field Reports Collective", SourceType.SOCIAL_MEDIA, "en"),
    ("Humanitarian Situation Reports", SourceType.REPORT, "en"),
    ("Gulf Evening Post", SourceType.NEWS, "ar"),
    ("Noticias del Sur", SourceType.NEWS, "es"),
    ("Horn of Africa Tribune", SourceType.NEWS, "en"),
    ("Satellite Imagery Review", SourceType.IMAGERY, "en"),
    ("Open Events Dataset", SourceType.DATASET, "en"),
    ("Northern Herald", SourceType.NEWS, "en"),
    ("Levant Correspondent", SourceType.NEWS, "ar"),
    ("Wire of the Great Lakes", SourceType.WIRE, "fr"),
    ("Police press office", SourceType.OFFICIAL_STATEMENT, "en"),
    ("Armed group statements", SourceType.SOCIAL_MEDIA, "ar"),
    ("Community Radio Network", SourceType.NEWS, "en"),
)
SOURCE_TOPICS = (
    "Security situation update",
    "Weekly conflict monitor",
    "Casualty report",
    "Statement on recent attacks",
    "Field report",
    "Situation report",
    "Clashes and strikes overnight",
    "Incidents in the provinces",
)

# -- Text ----------------------------------------------------------------------------------

TITLES = {
    "Armed clash": "Clashes near {place}",
    "Government regains territory": "Government forces retake {place}",
    "Non-state actor overtakes territory": "Armed group seizes {place}",
    "Chemical weapon": "Suspected chemical attack in {place}",
    "Air/drone strike": "Air strike on {place}",
    "Suicide bomb": "Suicide bombing in {place}",
    "Shelling/artillery/missile attack": "Shelling hits {place}",
    "Remote explosive/landmine/IED": "Roadside bomb explodes near {place}",
    "Grenade": "Grenade attack in {place}",
    "Sexual violence": "Sexual violence reported in {place}",
    "Attack": "Gunmen attack civilians in {place}",
    "Abduction/forced disappearance": "Abduction reported in {place}",
    "Peaceful protest": "Protest in {place}",
    "Protest with intervention": "Police disperse protest in {place}",
    "Excessive force against protesters": "Security forces fire on protesters in {place}",
    "Violent demonstration": "Violent demonstration in {place}",
    "Mob violence": "Mob violence in {place}",
    "Agreement": "Local agreement reached in {place}",
    "Arrests": "Arrests in {place}",
    "Change to group/activity": "Armed group changes activity near {place}",
    DISRUPTED: "Drone or missile intercepted near {place}",
    "Headquarters or base established": "Base established in {place}",
    "Looting/property destruction": "Looting and destruction in {place}",
    "Non-violent transfer of territory": "Control of {place} changes hands",
    "Other": "Security development in {place}",
}
QUOTES = (
    "Local sources said the incident took place in {place} on {date}. {casualties}",
    "“The situation in {place} remains tense,” a resident told the reporter on {date}. "
    "{casualties}",
    "According to a statement issued on {date}, the events in {place} are under "
    "investigation. {casualties}",
    "Witnesses in {place} described the events of {date}. {casualties}",
)


# -- Pools --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    id: int
    name: str


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    region: str  # admin-1 area name, or the country's when unknown


@dataclass
class CountryPool:
    country: Country
    places: Weighted[Place]
    actors: dict[str, Weighted[Named]]


@dataclass
class Pools:
    countries: list[CountryPool]
    sources: Weighted[Named]
    tags: Weighted[int]


def build_pools() -> Pools:
    """The shared places, actors, sources and tags: created once, reused by every run."""
    rng = random.Random(POOL_SEED)
    place_specs = [_place_specs(rng, country) for country in COUNTRIES]
    actor_specs = [_actor_specs(rng, country) for country in COUNTRIES]
    source_specs = _source_specs(rng)

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


def _place_specs(rng: random.Random, country: Country) -> list[Location]:
    """Places clustered around a few hot spots, each hot spot within one admin-1 area."""
    areas = sorted(gazetteer.admin1_areas(country.iso3).items())
    hubs = [(_point_in(rng, country.bbox), rng.choice(areas)) for _ in range(2 + len(areas) // 8)]
    names: set[str] = set()
    specs = []
    for _ in range(_share(country, PLACE_POOL_SIZE, minimum=12)):
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


def _actor_specs(rng: random.Random, country: Country) -> dict[str, list[Actor]]:
    """One state force, police, civilians, protesters and rioters; armed groups by weight."""
    name, iso3 = country.name, country.iso3
    areas = sorted(gazetteer.admin1_areas(iso3).values()) or [name]
    groups = _share(country, ARMED_GROUP_POOL_SIZE, minimum=6)
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


def _source_specs(rng: random.Random) -> list[Source]:
    publishers = Weighted.zipf(PUBLISHERS)
    specs = []
    for number in range(1, SOURCE_POOL_SIZE + 1):
        publisher, source_type, language = publishers.draw(rng)
        published = _day_in(rng, YEAR_DRAW.draw(rng))
        specs.append(
            Source(
                title=f"{rng.choice(SOURCE_TOPICS)}, {published:%d %B %Y}",
                url=f"{SOURCE_URL_PREFIX}{number:05d}",
                publisher=publisher,
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
    return Place(id=row.pk, name=row.name, region=region)


def _saved_actors(specs: list[Actor]) -> dict[str, Named]:
    Actor.objects.bulk_create(specs, batch_size=1000, ignore_conflicts=True)
    names = [spec.name for spec in specs]
    rows = Actor.objects.filter(name__in=names).values_list("id", "name")
    return {name: Named(pk, name) for pk, name in rows}


def _saved_sources(specs: list[Source]) -> list[Named]:
    existing = dict(
        Source.objects.filter(url__startswith=SOURCE_URL_PREFIX).values_list("url", "id")
    )
    missing = [spec for spec in specs if spec.url not in existing]
    for row in Source.objects.bulk_create(missing, batch_size=1000):
        existing[row.url] = row.pk
    refresh_independence_keys([row.pk for row in missing])
    return [Named(existing[spec.url], spec.publisher) for spec in specs]


def _saved_tags() -> list[int]:
    Tag.objects.bulk_create([Tag(name=name) for name in TAGS], ignore_conflicts=True)
    ids = dict(Tag.objects.filter(name__in=TAGS).values_list("name", "id"))
    return [ids[name] for name in TAGS]


# -- Incidents -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    actor: Named
    role: str
    attribution: str


@dataclass
class Planned:
    """One incident and the rows that hang from it, before they have ids."""

    incident: Incident
    participants: list[Participant] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)


@dataclass
class Report:
    incidents: int = 0
    participants: int = 0
    citations: int = 0
    seconds: float = 0.0


def generate(
    count: int,
    *,
    seed: int = 0,
    batch_size: int = 5000,
    progress: Callable[[Report], None] | None = None,
) -> Report:
    """Create `count` synthetic incidents, the same ones for the same seed."""
    started = time.monotonic()
    report = Report()
    pools = build_pools()
    public_ids = _reserve_public_ids(count, seed)
    rng = random.Random(f"{seed}-incidents")
    where_and_when = _where_and_when(count, seed)
    with _keeping_timestamps(Incident):
        while report.incidents < count:
            size = min(batch_size, count - report.incidents)
            planned = [
                _incident(rng, pools, *next(where_and_when), public_ids) for _ in range(size)
            ]
            _insert(planned, report)
            report.seconds = time.monotonic() - started
            if progress:
                progress(report)
    _analyze()
    report.seconds = time.monotonic() - started
    return report


def delete_synthetic(batch_size: int = 5000) -> int:
    """Delete the synthetic incidents; the shared pools stay, for the next run to reuse."""
    synthetic = Incident.objects.filter(dataset=DATASET)
    deleted = 0
    # In batches of ids, so that the deletion collector never holds every row at once.
    while ids := list(synthetic.values_list("pk", flat=True)[:batch_size]):
        with transaction.atomic():
            Incident.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted


def _where_and_when(count: int, seed: int) -> Iterator[tuple[int, int]]:
    """Country (as an index into COUNTRIES) and year of each incident.

    They come from a random stream of their own, so that the public ids can be counted and
    reserved before the incidents themselves are drawn.
    """
    rng = random.Random(f"{seed}-where-and-when")
    for _ in range(count):
        yield COUNTRY_DRAW.draw(rng), YEAR_DRAW.draw(rng)


def _reserve_public_ids(count: int, seed: int) -> dict[str, Iterator[int]]:
    """One block of sequence numbers per ISO3-YEAR prefix, reserved before any insert."""
    needed = Counter(
        f"{COUNTRIES[country].iso3}-{year}" for country, year in _where_and_when(count, seed)
    )
    blocks = {}
    for prefix, size in sorted(needed.items()):
        first = PublicIdCounter.reserve(prefix, size)[0]
        blocks[prefix] = itertools.count(int(first.rsplit("-", 1)[1]))
    return blocks


def _incident(
    rng: random.Random,
    pools: Pools,
    country_index: int,
    year: int,
    public_ids: dict[str, Iterator[int]],
) -> Planned:
    pool = pools.countries[country_index]
    country = pool.country
    event_type, sub_event_type = SUB_EVENT_DRAW.draw(rng)
    place = pool.places.draw(rng)
    date_start, date_end, precision = _dates(rng, year)
    low, best, high = _fatalities(rng, event_type)
    prefix = f"{country.iso3}-{year}"
    incident = Incident(
        public_id=f"{prefix}-{next(public_ids[prefix]):05d}",
        title=TITLES[sub_event_type].format(place=place.name),
        date_start=date_start,
        date_end=date_end,
        date_precision=precision,
        event_type=event_type,
        sub_event_type=sub_event_type,
        violence_type=_violence_type(rng, event_type),
        location_id=place.id,
        origin_location_id=_origin(rng, pool, sub_event_type, place),
        geo_precision=GEO_PRECISIONS.draw(rng),
        fatalities_low=low,
        fatalities_best=best,
        fatalities_high=high,
        injured=_injured(rng, event_type),
        confidence=CONFIDENCES.draw(rng),
        status=STATUSES.draw(rng),
        dataset=DATASET,
    )
    if incident.status == Status.RETRACTED:
        incident.retraction_reason = RETRACTION_REASON
    _weaponry(rng, incident)
    _timestamps(rng, incident)
    planned = Planned(incident, participants=_participants(rng, pool, incident))
    incident.summary = _summary(incident, place, country, planned.participants)
    planned.citations = _citations(rng, pools, incident, place)
    planned.tag_ids = sorted({pools.tags.draw(rng) for _ in range(_tag_count(rng))})
    return planned


def _day_in(rng: random.Random, year: int) -> dt.date:
    first = dt.date(year, 1, 1)
    return first + dt.timedelta(days=rng.randrange((dt.date(year + 1, 1, 1) - first).days))


def _dates(rng: random.Random, year: int) -> tuple[dt.date, dt.date, str]:
    day = _day_in(rng, year)
    precision = DATE_PRECISIONS.draw(rng)
    if precision == DatePrecision.DAYS:
        return (
            day,
            min(day + dt.timedelta(days=rng.randint(1, 5)), dt.date(year, 12, 31)),
            precision,
        )
    if precision == DatePrecision.WEEK:
        monday = day - dt.timedelta(days=day.weekday())
        # The start stays in the drawn year, which the public id already names.
        return max(monday, dt.date(year, 1, 1)), monday + dt.timedelta(days=6), precision
    if precision == DatePrecision.MONTH:
        first = day.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return first, following - dt.timedelta(days=1), precision
    if precision == DatePrecision.YEAR:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), precision
    return day, day, precision


def _fatalities(rng: random.Random, event_type: str) -> tuple[int | None, int | None, int | None]:
    """(low, best, high): unknown stays NULL, 'none reported' is 0, a few carry a range."""
    lethal = event_type in LETHAL_TYPES
    roll = rng.random()
    if roll < (0.2 if lethal else 0.3):
        return None, None, None
    if roll < (0.55 if lethal else 0.97):
        # Some zero-best events still carry a high estimate (as in UCDP GED).
        return 0, 0, rng.randint(1, 3) if rng.random() < 0.05 else 0
    best = min(int(rng.paretovariate(1.3)), 2000)
    if rng.random() < 0.6:
        return best, best, best
    return max(0, best - rng.randint(0, best // 2 + 1)), best, best + rng.randint(0, best + 2)


def _injured(rng: random.Random, event_type: str) -> int | None:
    if rng.random() < 0.5:
        return None
    if event_type not in LETHAL_TYPES or rng.random() < 0.4:
        return 0
    return min(int(rng.paretovariate(1.1)), 5000)


def _violence_type(rng: random.Random, event_type: str) -> int | None:
    if event_type == BATTLES:
        return ViolenceType.STATE_BASED if rng.random() < 0.8 else ViolenceType.NON_STATE
    if event_type == EXPLOSIONS:
        return ViolenceType.STATE_BASED if rng.random() < 0.85 else ViolenceType.ONE_SIDED
    if event_type == CIVILIAN_VIOLENCE:
        return ViolenceType.ONE_SIDED
    return None


def _weaponry(rng: random.Random, incident: Incident) -> None:
    sub_event_type = incident.sub_event_type
    incident.weapon = WEAPONS.get(sub_event_type, NO_WEAPON).draw(rng)
    if sub_event_type == DISRUPTED:
        incident.outcome, incident.damage = Outcome.INTERCEPTED, Damage.NONE
    elif incident.event_type == EXPLOSIONS:
        incident.outcome, incident.damage = STRIKE_OUTCOMES.draw(rng), STRIKE_DAMAGE.draw(rng)
    elif sub_event_type == "Looting/property destruction":
        incident.damage = rng.choice((Damage.MINOR, Damage.MAJOR))
    if incident.weapon in COUNTED_WEAPONS and rng.random() < 0.4:
        incident.munition_count = 1 + int(rng.expovariate(1 / 4))


def _origin(rng: random.Random, pool: CountryPool, sub_event_type: str, place: Place) -> int | None:
    if sub_event_type not in ("Shelling/artillery/missile attack", DISRUPTED):
        return None
    if rng.random() >= 0.1:
        return None
    origin = pool.places.draw(rng)
    return origin.id if origin.id != place.id else None


def _timestamps(rng: random.Random, incident: Incident) -> None:
    """Entered days after the event, and edited later for a third of the records."""
    entered = dt.datetime.combine(incident.date_end, dt.time(), tzinfo=dt.UTC) + dt.timedelta(
        hours=rng.randint(6, 23), days=rng.expovariate(1 / 5)
    )
    edited = entered
    if rng.random() < 0.3 or incident.status == Status.RETRACTED:
        edited = entered + dt.timedelta(days=rng.expovariate(1 / 90))
    incident.created_at = min(entered, LATEST_TIMESTAMP)
    incident.updated_at = min(edited, LATEST_TIMESTAMP)


def _participants(rng: random.Random, pool: CountryPool, incident: Incident) -> list[Participant]:
    """One to four parties, each in a role that fits the kind of event."""
    slots = SLOTS.get(incident.sub_event_type) or SLOTS.get(incident.event_type) or ()
    chosen: dict[tuple[int, str], Participant] = {}
    for role, kinds, chance in slots:
        if rng.random() >= chance:
            continue
        kind = kinds.draw(rng)
        actor = pool.actors.get(kind, pool.actors[STATE]).draw(rng)
        chosen.setdefault((actor.id, role), Participant(actor, role, _attribution(rng, role)))
    if not chosen:  # every incident names at least one party
        actor = pool.actors[REBEL].draw(rng)
        chosen[(actor.id, ActorRole.PERPETRATOR)] = Participant(
            actor, ActorRole.PERPETRATOR, Attribution.SUSPECTED
        )
    return list(chosen.values())


def _attribution(rng: random.Random, role: str) -> str:
    if role == ActorRole.PERPETRATOR:
        return PERPETRATOR_ATTRIBUTIONS.draw(rng)
    if role == ActorRole.CLAIMANT:
        return Attribution.CLAIMED
    return OTHER_ATTRIBUTIONS.draw(rng)


def _summary(
    incident: Incident, place: Place, country: Country, participants: list[Participant]
) -> str:
    where = f"{place.name}, {place.region} ({country.name})"
    parties = "; ".join(
        f"{party.actor.name} ({party.role}, {party.attribution})" for party in participants
    )
    return (
        f"{incident.sub_event_type} in {where} on {incident.date_start:%d %B %Y}. "
        f"Actors: {parties}. {_casualties(incident)}"
    )


def _casualties(incident: Incident) -> str:
    best = incident.fatalities_best
    if best is None:
        return "Casualties were not reported."
    if best == 0:
        return "No fatalities were reported."
    if incident.fatalities_low == incident.fatalities_high:
        return f"{best} {'person was' if best == 1 else 'people were'} reported killed."
    low, high = incident.fatalities_low, incident.fatalities_high
    return f"Between {low} and {high} people were reported killed (best estimate {best})."


def _citations(
    rng: random.Random, pools: Pools, incident: Incident, place: Place
) -> list[Citation]:
    sources = {pools.sources.draw(rng).id for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))}
    claims = Claim.values
    return [
        Citation(
            source_id=source_id,
            quote=rng.choice(QUOTES).format(
                place=place.name,
                date=f"{incident.date_start:%d %B %Y}",
                casualties=_casualties(incident),
            ),
            locator=f"paragraph {rng.randint(1, 12)}",
            supports=sorted(rng.sample(claims, rng.randint(1, 3)), key=claims.index),
            stance=Stance.CONTRADICTS if rng.random() < 0.04 else Stance.SUPPORTS,
        )
        for source_id in sorted(sources)
    ]


def _tag_count(rng: random.Random) -> int:
    roll = rng.random()
    return 2 if roll < 0.08 else 1 if roll < 0.3 else 0


# -- Writing -------------------------------------------------------------------------------


def _insert(planned: list[Planned], report: Report) -> None:
    with transaction.atomic():
        Incident.objects.bulk_create([item.incident for item in planned])
        participants, citations, tags = [], [], []
        TagLink = Incident.tags.through
        for item in planned:
            incident_id = item.incident.pk
            participants.extend(
                IncidentActor(
                    incident_id=incident_id,
                    actor_id=party.actor.id,
                    role=party.role,
                    attribution=party.attribution,
                )
                for party in item.participants
            )
            for citation in item.citations:
                citation.incident_id = incident_id
                citations.append(citation)
            tags.extend(TagLink(incident_id=incident_id, tag_id=tag) for tag in item.tag_ids)
        IncidentActor.objects.bulk_create(participants)
        Citation.objects.bulk_create(citations)
        TagLink.objects.bulk_create(tags)
        # Bulk inserts send no signals: the text-search documents and the counts of independent
        # sources are written here, per batch, so that memory stays flat and each committed
        # batch is complete.
        incident_ids = [item.incident.pk for item in planned]
        refresh_search_documents(incident_ids)
        refresh_independent_sources(incident_ids)
    report.incidents += len(planned)
    report.participants += len(participants)
    report.citations += len(citations)


@contextmanager
def _keeping_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk inserts keep the entry and edit times drawn for each row.

    `auto_now` would stamp every row with the moment of generation, and `updated_since`
    (the sync filter) would then have nothing realistic to select. The flags are switched
    off for the whole process, which is why only the generator, running alone, does this.
    """
    fields = [
        model._meta.get_field(name)
        for model in model_classes
        for name in ("created_at", "updated_at")
    ]
    saved = [(stamp, stamp.auto_now, stamp.auto_now_add) for stamp in fields]
    for stamp in fields:
        stamp.auto_now = stamp.auto_now_add = False
    try:
        yield
    finally:
        for stamp, auto_now, auto_now_add in saved:
            stamp.auto_now, stamp.auto_now_add = auto_now, auto_now_add


def _analyze() -> None:
    """Bring PostgreSQL's statistics and visibility map up to date after the bulk load.

    Benchmarks then see the plans and index-only scans of a settled database instead of
    waiting for autovacuum. VACUUM cannot run inside a transaction (e.g. in a test); ANALYZE
    alone still gives the planner its statistics.
    """
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    loaded = (Incident, IncidentActor, Citation, Incident.tags.through, Location, Actor, Source)
    with connection.cursor() as cursor:
        for model in loaded:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
