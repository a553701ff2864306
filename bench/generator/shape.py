"""The shape of the synthetic data: countries, years, event types and how often each occurs."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from bench.generator.weighted import Weighted
from incidents.taxonomy import (
    ACLED_EVENT_TYPES,
    Attribution,
    Confidence,
    Damage,
    DatePrecision,
    GeoPrecision,
    Outcome,
    Status,
    Weapon,
)

DATASET = "synthetic"
FIRST_YEAR, LAST_YEAR = 2006, 2025
# Entry and edit times stop here, so that a seed gives the same rows whenever it runs.
LATEST_TIMESTAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
POOL_SEED = "tessera-synthetic-pools"
SOURCE_URL_PREFIX = "https://synthetic.invalid/sources/"


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


def day_in(rng: random.Random, year: int) -> dt.date:
    first = dt.date(year, 1, 1)
    return first + dt.timedelta(days=rng.randrange((dt.date(year + 1, 1, 1) - first).days))


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
