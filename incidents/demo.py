"""The demo data: five events of 3–5 January 2022 against coalition bases in Syria and Iraq.

All come from one Al Arabiya report, read in its Track Persia republication, which quotes a
statement of the US-led coalition. Counts the report gives as none are 0; counts it does not
mention are left unknown (None). Coordinates are the best public ones for each place; the
incident's geo precision says how exactly they place the event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from geo.models import LocationKind
from incidents.taxonomy import (
    ActorRole,
    ActorType,
    Attribution,
    Claim,
    Confidence,
    Damage,
    GeoPrecision,
    Outcome,
    RelationKind,
    SourceType,
    Status,
    Weapon,
)

DATASET = "tessera-demo"
SHELLING = ("Explosions/Remote violence", "Shelling/artillery/missile attack")
DISRUPTED = ("Strategic developments", "Disrupted weapons use")
TAG = "Soleimani anniversary, January 2022"

COALITION = "US-led Coalition (CJTF-OIR)"
SDF = "Syrian Democratic Forces"
MILITIA = "Unidentified Iran-backed militia"
IRAN = "Government of Iran"

# The specs below are field values by name, as the models take them.
ACTORS: list[dict[str, Any]] = [
    {
        "name": IRAN,
        "aliases": "Iran\nIslamic Republic of Iran",
        "actor_type": ActorType.STATE_FORCES,
        "country": "IRN",
    },
    {
        "name": COALITION,
        "aliases": "US-led coalition\nCoalition forces\n"
        "Combined Joint Task Force – Operation Inherent Resolve",
        "actor_type": ActorType.EXTERNAL_FORCES,
        "country": "",
    },
    {"name": SDF, "aliases": "SDF", "actor_type": ActorType.REBEL_GROUP, "country": "SYR"},
    {
        "name": MILITIA,
        "aliases": "Iran-backed groups\nmilitia groups that are backed by Iran",
        "actor_type": ActorType.POLITICAL_MILITIA,
        "country": "",
        "backed_by": [IRAN],
    },
]

GREEN_VILLAGE = "Green Village"
MAYADEEN = "al-Mayadeen"
AIN_AL_ASAD = "Ain al-Asad Air Base"
BAGHDAD_AIRPORT = "Baghdad International Airport"

LOCATIONS: list[dict[str, Any]] = [
    {
        "name": GREEN_VILLAGE,
        "alternate_names": "al-Omar oil field base\nOmar oil field",
        "kind": LocationKind.MILITARY_BASE,
        # The base lies in the al-Omar oil field, about 10 km from al-Mayadeen; the
        # coordinates place the field, not the compound.
        "latitude": 35.07,
        "longitude": 40.55,
        "country": "SYR",
        "admin1": "SY-DY",
    },
    {
        "name": MAYADEEN,
        "alternate_names": "Mayadin\nal-Mayadin\nMayadeen",
        "kind": LocationKind.CITY,
        "latitude": 35.0196,
        "longitude": 40.4527,
        "country": "SYR",
        "admin1": "SY-DY",
    },
    {
        "name": AIN_AL_ASAD,
        "alternate_names": "Ain al-Asad airbase\nAl Asad Airbase",
        "kind": LocationKind.MILITARY_BASE,
        "latitude": 33.7856,
        "longitude": 42.4411,
        "country": "IRQ",
        "admin1": "IQ-AN",
    },
    {
        "name": BAGHDAD_AIRPORT,
        "alternate_names": "Baghdad airport\nBIAP",
        "kind": LocationKind.AIRPORT,
        "latitude": 33.2625,
        "longitude": 44.2344,
        "country": "IRQ",
        "admin1": "IQ-BG",
    },
]

# Publishers with the other names and web domains sources give them: a source's publisher is
# found by either, and guessed from a new source's URL.
PUBLISHERS: list[dict[str, str]] = [
    {
        "name": "AP",
        "aliases": "Associated Press\nThe Associated Press",
        "domains": "apnews.com",
        "source_type": SourceType.WIRE,
    },
    {
        "name": "Al Arabiya",
        "aliases": "Al Arabiya English",
        "domains": "alarabiya.net",
        "source_type": SourceType.NEWS,
    },
    {"name": "Track Persia", "domains": "trackpersia.com", "source_type": SourceType.NEWS},
]

AL_ARABIYA: dict[str, Any] = {
    "title": "Al Arabiya report of 5 January 2022 on attacks against coalition bases "
    "in Syria and Iraq",
    "publisher": "Al Arabiya",
    "published_at": dt.date(2022, 1, 5),
    "language": "en",
    "source_type": SourceType.NEWS,
}
TRACK_PERSIA: dict[str, Any] = {
    "title": AL_ARABIYA["title"] + " (republished)",
    "publisher": "Track Persia",
    "published_at": None,
    "language": "en",
    "source_type": SourceType.NEWS,
}

INCIDENTS: list[dict[str, Any]] = [
    {
        "key": "1",
        "title": "Eight rounds of indirect fire hit Green Village base",
        "summary": "Coalition forces at Green Village, a Syrian Democratic Forces base with a "
        "small coalition advisory presence in Deir ez-Zor, were targeted by eight rounds of "
        "indirect fire. The coalition reported no casualties and minor damage inside the base "
        "and attributed the attack to Iran-backed groups.",
        "date": dt.date(2022, 1, 5),
        "type": SHELLING,
        "weapon": Weapon.INDIRECT_FIRE,
        "munition_count": 8,
        "outcome": Outcome.IMPACT,
        "damage": Damage.MINOR,
        "location": GREEN_VILLAGE,
        "geo_precision": GeoPrecision.NEAR,
        "origin_location": MAYADEEN,
        "fatalities": 0,
        "injured": 0,
        "actors": [
            (MILITIA, ActorRole.PERPETRATOR, Attribution.ALLEGED),
            (COALITION, ActorRole.TARGET, Attribution.CONFIRMED),
            (SDF, ActorRole.TARGET, Attribution.CONFIRMED),
        ],
        "quote": "“Coalition forces were targeted this morning by eight rounds of indirect fire "
        "at Green Village, a Syrian Democratic Forces base with a small Coalition advisory "
        "presence, in northeast Syria,” the coalition said in a statement, it added that there "
        "were no casualties but there was minor damage inside the base.",
        "locator": "paragraph 2",
        "supports": [Claim.DATE, Claim.PLACE, Claim.MUNITIONS, Claim.CASUALTIES, Claim.DAMAGE],
    },
    {
        "key": "2",
        "title": "Coalition fires six artillery rounds towards the point of origin near "
        "al-Mayadeen",
        "summary": "In response to the attack on Green Village, the coalition fired six rounds of "
        "artillery towards the point of origin of the attack, just outside al-Mayadeen town "
        "in Deir ez-Zor province. The report gives no casualties or damage.",
        "date": dt.date(2022, 1, 5),
        "type": SHELLING,
        "weapon": Weapon.ARTILLERY,
        "munition_count": 6,
        "outcome": Outcome.UNKNOWN,
        "damage": Damage.UNKNOWN,
        "location": MAYADEEN,
        "geo_precision": GeoPrecision.NEAR,
        "origin_location": None,
        "fatalities": None,
        "injured": None,
        "actors": [
            (COALITION, ActorRole.PERPETRATOR, Attribution.CONFIRMED),
            (MILITIA, ActorRole.TARGET, Attribution.ALLEGED),
        ],
        "quote": "The Coalition responded by firing six rounds of artillery towards the point "
        "of origin of the attack just outside al-Mayadeen town in Syria’s Deir Ezzor province.",
        "locator": "paragraph 3",
        "supports": [Claim.DATE, Claim.PLACE, Claim.ACTORS, Claim.MUNITIONS],
        "response_to": "1",
    },
    {
        "key": "3",
        "title": "Five rockets land near Ain al-Asad air base",
        "summary": "Five rockets landed near Ain al-Asad airbase in Anbar, which hosts US and "
        "other international forces. The coalition reported no casualties or damage and "
        "attributed the attack to Iran-backed groups.",
        "date": dt.date(2022, 1, 5),
        "type": SHELLING,
        "weapon": Weapon.ROCKET,
        "munition_count": 5,
        "outcome": Outcome.FELL_SHORT,
        "damage": Damage.NONE,
        "location": AIN_AL_ASAD,
        "geo_precision": GeoPrecision.NEAR,
        "origin_location": None,
        "fatalities": 0,
        "injured": 0,
        "actors": [
            (MILITIA, ActorRole.PERPETRATOR, Attribution.ALLEGED),
            (COALITION, ActorRole.TARGET, Attribution.CONFIRMED),
        ],
        "quote": "The second attack was in Iraq, where five rockets landed near Ain al-Asad "
        "airbase, which hosts US and other international forces in western Iraq. The attack "
        "caused no casualties or damage.",
        "locator": "paragraph 4",
        "supports": [Claim.PLACE, Claim.MUNITIONS, Claim.CASUALTIES, Claim.DAMAGE],
    },
    {
        "key": "4",
        "title": "Two armed drones shot down approaching Ain al-Asad air base",
        "summary": "Two armed drones approached Ain al-Asad airbase and were shot down by "
        "coalition forces. The report names no perpetrator and gives no casualties or damage.",
        "date": dt.date(2022, 1, 4),
        "type": DISRUPTED,
        "weapon": Weapon.ARMED_DRONE,
        "munition_count": 2,
        "outcome": Outcome.INTERCEPTED,
        "damage": Damage.UNKNOWN,
        "location": AIN_AL_ASAD,
        "geo_precision": GeoPrecision.EXACT,
        "origin_location": None,
        "fatalities": None,
        "injured": None,
        "actors": [
            (COALITION, ActorRole.TARGET, Attribution.CONFIRMED),
            (COALITION, ActorRole.INTERCEPTOR, Attribution.CONFIRMED),
        ],
        "quote": "On Tuesday, two armed drones approached Ain al-Asad airbase and coalition "
        "forces shot them down.",
        "locator": "paragraph 7",
        "supports": [Claim.DATE, Claim.PLACE, Claim.MUNITIONS, Claim.OUTCOME],
    },
    {
        "key": "5",
        "title": "Two armed drones shot down targeting coalition compound at Baghdad airport",
        "summary": "The coalition shot down two armed drones targeting its compound at Baghdad "
        "airport. The report names no perpetrator and gives no casualties or damage.",
        "date": dt.date(2022, 1, 3),
        "type": DISRUPTED,
        "weapon": Weapon.ARMED_DRONE,
        "munition_count": 2,
        "outcome": Outcome.INTERCEPTED,
        "damage": Damage.UNKNOWN,
        "location": BAGHDAD_AIRPORT,
        "geo_precision": GeoPrecision.NEAR,
        "origin_location": None,
        "fatalities": None,
        "injured": None,
        "actors": [
            (COALITION, ActorRole.TARGET, Attribution.CONFIRMED),
            (COALITION, ActorRole.INTERCEPTOR, Attribution.CONFIRMED),
        ],
        "quote": "On Monday, the coalition also shot down two armed drones targeting its "
        "compound at Baghdad airport.",
        "locator": "paragraph 7",
        "supports": [Claim.DATE, Claim.PLACE, Claim.MUNITIONS, Claim.OUTCOME],
    },
]

CONFIDENCE = Confidence.SINGLE_SOURCE
STATUS = Status.PUBLISHED
RESPONSE_TO = RelationKind.RESPONSE_TO


def load() -> list:
    """Create whatever part of the demo data is missing; existing rows are left as they are."""
    from django.db import transaction

    from geo.models import Location
    from incidents.models import (
        Actor,
        Citation,
        Incident,
        IncidentActor,
        IncidentRelation,
        Publisher,
        Source,
        Tag,
    )

    with transaction.atomic():
        actors = {}
        for spec in ACTORS:
            fields = {k: v for k, v in spec.items() if k not in ("name", "backed_by")}
            actors[spec["name"]], _ = Actor.objects.get_or_create(
                name=spec["name"], defaults=fields
            )
        for spec in ACTORS:
            for backer in spec.get("backed_by", []):
                actors[spec["name"]].backed_by.add(actors[backer])

        places = {}
        for spec in LOCATIONS:
            fields = {k: v for k, v in spec.items() if k not in ("name", "country")}
            places[spec["name"]], _ = Location.objects.get_or_create(
                name=spec["name"], country=spec["country"], defaults=fields
            )

        for spec in PUBLISHERS:
            Publisher.objects.get_or_create(name=spec["name"], defaults=spec)
        original, _ = Source.objects.get_or_create(
            publisher_id=AL_ARABIYA["publisher"],
            title=AL_ARABIYA["title"],
            defaults={**_without_publisher(AL_ARABIYA), "originator": actors[COALITION]},
        )
        republication, _ = Source.objects.get_or_create(
            publisher_id=TRACK_PERSIA["publisher"],
            title=TRACK_PERSIA["title"],
            defaults={
                **_without_publisher(TRACK_PERSIA),
                "republished_from": original,
                "originator": actors[COALITION],
            },
        )
        tag, _ = Tag.objects.get_or_create(name=TAG)

        incidents = {}
        for spec in INCIDENTS:
            incident = _get_or_create_incident(Incident, spec, places)
            incident.tags.add(tag)
            for actor_name, role, attribution in spec["actors"]:
                IncidentActor.objects.get_or_create(
                    incident=incident,
                    actor=actors[actor_name],
                    role=role,
                    defaults={"attribution": attribution},
                )
            Citation.objects.get_or_create(
                incident=incident,
                source=republication,
                quote=spec["quote"],
                defaults={"locator": spec["locator"], "supports": list(spec["supports"])},
            )
            incidents[spec["key"]] = incident

        for spec in INCIDENTS:
            if "response_to" in spec:
                IncidentRelation.objects.get_or_create(
                    from_incident=incidents[spec["key"]],
                    to_incident=incidents[spec["response_to"]],
                    kind=RESPONSE_TO,
                )
    return list(incidents.values())


def _get_or_create_incident(Incident, spec: dict, places: dict):
    event_type, sub_event_type = spec["type"]
    fatalities = spec["fatalities"]
    incident, _ = Incident.objects.get_or_create(
        dataset=DATASET,
        dataset_event_id=spec["key"],
        defaults={
            "title": spec["title"],
            "summary": spec["summary"],
            "date_start": spec["date"],
            "date_end": spec["date"],
            "event_type": event_type,
            "sub_event_type": sub_event_type,
            "weapon": spec["weapon"],
            "munition_count": spec["munition_count"],
            "outcome": spec["outcome"],
            "damage": spec["damage"],
            "location": places[spec["location"]],
            "geo_precision": spec["geo_precision"],
            "origin_location": places.get(spec["origin_location"]),
            "fatalities_low": fatalities,
            "fatalities_best": fatalities,
            "fatalities_high": fatalities,
            "injured": spec["injured"],
            "confidence": CONFIDENCE,
            "status": STATUS,
        },
    )
    return incident


def _without_publisher(spec: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in spec.items() if key != "publisher"}
