"""The vocabularies incidents are coded with.

Event and sub-event types are ACLED's, as exact strings, so that exports and imports speak
ACLED without a lookup table. Each label is the stored value, so the admin shows what the API
and the exports say.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

ACLED_EVENT_TYPES: dict[str, list[str]] = {
    "Battles": [
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ],
    "Explosions/Remote violence": [
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ],
    "Violence against civilians": [
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ],
    "Protests": [
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Strategic developments": [
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ],
}

# What each event and sub-event type covers, in Tessera's words after ACLED's codebook: the
# codebook page shows them; a type without its definition fails the tests.
EVENT_TYPE_DEFINITIONS: dict[str, str] = {
    "Battles": "a violent clash between two organised armed groups at one time and place",
    "Explosions/Remote violence": (
        "violence at a distance, where the weapon leaves its target no way to answer: "
        "bombs, shelling, missiles, air and drone strikes, mines and other explosives"
    ),
    "Violence against civilians": (
        "an organised armed group deliberately harms unarmed non-combatants"
    ),
    "Protests": "a public demonstration in which the participants are not violent",
    "Riots": "demonstrators or a mob commit violent or destructive acts",
    "Strategic developments": (
        "a non-violent event that matters to the conflict: agreements, arrests, bases "
        "established, weapons seized or disrupted, territory handed over, looting"
    ),
}

SUB_EVENT_TYPE_DEFINITIONS: dict[str, str] = {
    "Armed clash": "armed groups fight without a change in who holds the territory",
    "Government regains territory": "state forces retake territory from a non-state group",
    "Non-state actor overtakes territory": "a non-state group takes territory by force",
    "Chemical weapon": "chemical agents used as a weapon",
    "Air/drone strike": "a strike from the air: aircraft, helicopters or armed drones",
    "Suicide bomb": "an explosive detonated by a person who dies in the attack",
    "Shelling/artillery/missile attack": (
        "rockets, mortars, artillery or missiles fired from the ground or the sea"
    ),
    "Remote explosive/landmine/IED": (
        "a planted or remotely set off explosive: landmine, IED, car bomb without a suicide "
        "attacker"
    ),
    "Grenade": "a grenade or similar hand-thrown explosive",
    "Sexual violence": "sexual violence against civilians by an armed group",
    "Attack": "an armed group attacks civilians (killing, wounding, beating)",
    "Abduction/forced disappearance": "civilians taken or held by an armed group",
    "Peaceful protest": "a demonstration that no one answers with force",
    "Protest with intervention": (
        "a peaceful protest dispersed or held back by force, short of excessive force"
    ),
    "Excessive force against protesters": "lethal or severe force used against peaceful protesters",
    "Violent demonstration": "demonstrators turn violent or destroy property",
    "Mob violence": "a spontaneous crowd attacks people or property",
    "Agreement": "parties reach a ceasefire, peace deal, exchange or other agreement",
    "Arrests": "state forces arrest people for reasons tied to the conflict",
    "Change to group/activity": (
        "a group changes: it forms, splits, recruits, moves its forces, or gives up arms"
    ),
    "Disrupted weapons use": (
        "an attack prevented: weapons seized or defused, a missile or drone intercepted with "
        "no impact recorded as another event"
    ),
    "Headquarters or base established": "an armed group sets up a base or headquarters",
    "Looting/property destruction": "property looted or destroyed without a clash",
    "Non-violent transfer of territory": "territory changes hands without fighting",
    "Other": "a strategic development that no other sub-type covers",
}
assert set(EVENT_TYPE_DEFINITIONS) == set(ACLED_EVENT_TYPES)
assert set(SUB_EVENT_TYPE_DEFINITIONS) == {
    sub for subs in ACLED_EVENT_TYPES.values() for sub in subs
}

EVENT_TYPE_CHOICES = [(name, name) for name in ACLED_EVENT_TYPES]
# Grouped by event type, so a select box shows which sub-types belong where.
SUB_EVENT_TYPE_CHOICES = [
    (event_type, [(sub, sub) for sub in subs]) for event_type, subs in ACLED_EVENT_TYPES.items()
]


def sub_event_belongs_to_event_type() -> Q:
    """The rule as a database condition: each sub-event type with its own event type."""
    condition = Q()
    for event_type, subs in ACLED_EVENT_TYPES.items():
        condition |= Q(event_type=event_type, sub_event_type__in=subs)
    return condition


class DatePrecision(models.TextChoices):
    """How exactly the dates place the event: `date_start` to `date_end` span the uncertainty."""

    DAY = "day", "day"
    DAYS = "days", "a few days (2–6)"
    WEEK = "week", "week"
    MONTH = "month", "month"
    YEAR = "year", "year"


# How exactly the dates place the event: the public page's phrase for each precision.
DATE_PRECISION_PHRASES: dict[str, str] = {
    DatePrecision.DAY: "exact day",
    DatePrecision.DAYS: "within a few days",
    DatePrecision.WEEK: "within a week",
    DatePrecision.MONTH: "within the month",
    DatePrecision.YEAR: "within the year",
}


class ViolenceType(models.IntegerChoices):
    """UCDP type_of_violence."""

    STATE_BASED = 1, "state-based"
    NON_STATE = 2, "non-state"
    ONE_SIDED = 3, "one-sided"


class Weapon(models.TextChoices):
    """The main means of the attack, as the sources name it."""

    ROCKET = "rocket", "rocket"
    INDIRECT_FIRE = "mortar/indirect fire", "mortar/indirect fire"
    ARTILLERY = "artillery", "artillery"
    MISSILE = "missile", "missile"
    ARMED_DRONE = "armed drone", "armed drone"
    AIRSTRIKE = "airstrike", "airstrike"
    IED = "IED", "IED"
    SMALL_ARMS = "small arms", "small arms"
    OTHER = "other", "other"
    UNKNOWN = "unknown", "unknown"


WEAPON_DEFINITIONS: dict[str, str] = {
    Weapon.ROCKET: "unguided rocket, fired singly or in salvos (Katyusha, Grad)",
    Weapon.INDIRECT_FIRE: "mortar rounds or other fire aimed beyond sight",
    Weapon.ARTILLERY: "tube artillery shells (howitzer, field gun)",
    Weapon.MISSILE: "guided rocket: ballistic, cruise or anti-tank missile",
    Weapon.ARMED_DRONE: "uncrewed aircraft that fires or explodes on its target",
    Weapon.AIRSTRIKE: "bombs or missiles from crewed aircraft",
    Weapon.IED: "improvised explosive device, including car bombs",
    Weapon.SMALL_ARMS: "rifles, machine guns, rocket-propelled grenades",
    Weapon.OTHER: "a weapon none of these describes",
    Weapon.UNKNOWN: "the sources do not say",
}


class Outcome(models.TextChoices):
    """What became of the munitions fired."""

    IMPACT = "impact", "impact"
    INTERCEPTED = "intercepted", "intercepted"
    FELL_SHORT = "fell short/outside", "fell short/outside"
    UNKNOWN = "unknown", "unknown"


class Damage(models.TextChoices):
    """The worst damage the sources report to the target."""

    NONE = "none", "none"
    MINOR = "minor", "minor"
    MAJOR = "major", "major"
    DESTROYED = "destroyed", "destroyed"
    UNKNOWN = "unknown", "unknown"


# What each level means, in one line each: the form's help text and the codebook say the same.
DAMAGE_DEFINITIONS: dict[str, str] = {
    Damage.NONE: "the sources say nothing was damaged",
    Damage.MINOR: "repairable, the target stays in use (broken windows, shrapnel marks)",
    Damage.MAJOR: "out of use until repaired (a collapsed wall, a burnt-out vehicle or aircraft)",
    Damage.DESTROYED: "beyond repair, or reported as destroyed",
    Damage.UNKNOWN: "the sources do not say",
}

OUTCOME_DEFINITIONS: dict[str, str] = {
    Outcome.IMPACT: "at least one munition struck the target area",
    Outcome.INTERCEPTED: "every munition reported was shot down or jammed before impact",
    Outcome.FELL_SHORT: "landed outside the target area without being intercepted",
    Outcome.UNKNOWN: "the sources do not say",
}


class GeoPrecision(models.IntegerChoices):
    """UCDP where_prec: how exactly the coordinates place the event."""

    EXACT = 1, "1 – exact location"
    NEAR = 2, "2 – near (within about 25 km)"
    ADMIN2 = 3, "3 – admin-2 area only"
    ADMIN1 = 4, "4 – admin-1 area only"
    LARGER_AREA = 5, "5 – larger area (region, front line)"
    COUNTRY = 6, "6 – country only"
    WATER_OR_AIRSPACE = 7, "7 – water or airspace"

    @property
    def acled(self) -> int:
        """ACLED geo_precision: 1 exact, 2 near or within a district, 3 larger area."""
        return {1: 1, 2: 2, 3: 2}.get(self.value, 3)


class Confidence(models.TextChoices):
    """How far the sources, taken together, establish that the event happened as recorded."""

    CONFIRMED = "confirmed", "confirmed"
    LIKELY = "likely", "likely"
    SINGLE_SOURCE = "single source", "single source"
    CONTESTED = "contested", "contested"
    DISCOUNTED = "discounted", "discounted"


CONFIDENCE_DEFINITIONS: dict[str, str] = {
    Confidence.CONFIRMED: "independent sources agree that it happened as recorded",
    Confidence.LIKELY: "credible sources report it, short of independent confirmation",
    Confidence.SINGLE_SOURCE: "one source reports it; no other confirms or contradicts it",
    Confidence.CONTESTED: "sources disagree on whether, or how, it happened",
    Confidence.DISCOUNTED: (
        "judged not to have happened as reported; kept so that the claim is on record"
    ),
}

# Counts (fatalities, injured, munitions): an empty value means the sources do not give the
# number; 0 means they say there were none. Unknown is never written as zero.
COUNT_DEFINITIONS: dict[str, str] = {
    "fatalities_best": "the best estimate of people killed",
    "fatalities_low": "the lowest credible estimate of people killed",
    "fatalities_high": "the highest credible estimate of people killed",
    "injured": "people wounded",
    "munition_count": "rounds, rockets or drones fired or launched",
}
UNKNOWN_IS_NOT_ZERO = (
    "An empty count means the sources do not give the number; 0 means they report none. "
    "Totals and averages must leave empty counts out rather than read them as zero."
)


class Status(models.TextChoices):
    DRAFT = "draft", "draft"
    IN_REVIEW = "in review", "in review"
    PUBLISHED = "published", "published"
    RETRACTED = "retracted", "retracted"


PUBLIC_STATUSES = (Status.PUBLISHED, Status.RETRACTED)


class ActorRole(models.TextChoices):
    """What an actor did in the incident; an incident names each actor with its role."""

    PERPETRATOR = "perpetrator", "perpetrator"
    TARGET = "target", "target"
    RESPONDER = "responder", "responder"
    INTERCEPTOR = "interceptor", "interceptor"
    # A side in a clash where neither is perpetrator nor target (UCDP's state-based and
    # non-state violence).
    PARTY = "party", "party"
    CLAIMANT = "claimant", "claimant"
    OTHER = "other", "other"


ACTOR_ROLE_DEFINITIONS: dict[str, str] = {
    ActorRole.PERPETRATOR: "carried out the attack or act",
    ActorRole.TARGET: "was attacked or aimed at",
    ActorRole.RESPONDER: "answered the event: returned fire, retaliated, secured the site",
    ActorRole.INTERCEPTOR: "shot down or jammed the munitions",
    ActorRole.PARTY: "a side in a clash where neither side is perpetrator nor target",
    ActorRole.CLAIMANT: "claimed the act (without being recorded as its perpetrator)",
    ActorRole.OTHER: "took part in another way, said in the record",
}


class Side(models.TextChoices):
    """Which side of a dyad an actor is on, as a dataset records it (UCDP side_a/side_b)."""

    A = "A", "side A"
    B = "B", "side B"


class Attribution(models.TextChoices):
    """How sure the record is that an actor played its role."""

    CONFIRMED = "confirmed", "confirmed"
    CLAIMED = "claimed", "claimed"
    ALLEGED = "alleged", "alleged"
    SUSPECTED = "suspected", "suspected"
    # Nobody claimed it and the sources name no one: the actor is unidentified.
    UNCLAIMED = "unclaimed", "unknown/unclaimed"


ATTRIBUTION_DEFINITIONS: dict[str, str] = {
    Attribution.CONFIRMED: ("established by independent sources or admitted by the actor itself"),
    Attribution.CLAIMED: "the actor claimed it",
    Attribution.ALLEGED: "another party says so (an accusation, not a claim)",
    Attribution.SUSPECTED: "the sources or analysts infer it (a pattern, a weapon, a place)",
    Attribution.UNCLAIMED: (
        "nobody claimed it and the sources name no one: the actor is unidentified"
    ),
}


class ActorType(models.IntegerChoices):
    """ACLED inter codes."""

    STATE_FORCES = 1, "1 – state forces"
    REBEL_GROUP = 2, "2 – rebel group"
    POLITICAL_MILITIA = 3, "3 – political militia"
    IDENTITY_MILITIA = 4, "4 – identity militia"
    RIOTERS = 5, "5 – rioters"
    PROTESTERS = 6, "6 – protesters"
    CIVILIANS = 7, "7 – civilians"
    EXTERNAL_FORCES = 8, "8 – external/other forces"


class RelationKind(models.TextChoices):
    RESPONSE_TO = "response to", "response to"
    PART_OF_SERIES = "part of series", "part of series"
    SAME_EVENT_AS = "same event as", "same event as"


class SourceType(models.TextChoices):
    NEWS = "news", "news"
    WIRE = "wire", "wire"
    OFFICIAL_STATEMENT = "official statement", "official statement"
    SOCIAL_MEDIA = "social media", "social media"
    REPORT = "NGO/research report", "NGO/research report"
    DATASET = "dataset", "dataset"
    IMAGERY = "imagery", "imagery"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "supports"
    CONTRADICTS = "contradicts", "contradicts"


class Claim(models.TextChoices):
    """What part of an incident a citation supports."""

    DATE = "date", "date"
    PLACE = "place", "place"
    ACTORS = "actors", "actors"
    CASUALTIES = "casualties", "casualties"
    MUNITIONS = "munitions", "munitions"
    DAMAGE = "damage", "damage"
    OUTCOME = "outcome", "outcome"
