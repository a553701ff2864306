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
    DAY = "day", "day"
    DAYS = "days", "a few days (2–6)"
    WEEK = "week", "week"
    MONTH = "month", "month"
    YEAR = "year", "year"


class ViolenceType(models.IntegerChoices):
    """UCDP type_of_violence."""

    STATE_BASED = 1, "state-based"
    NON_STATE = 2, "non-state"
    ONE_SIDED = 3, "one-sided"


class Weapon(models.TextChoices):
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
    IMPACT = "impact", "impact"
    INTERCEPTED = "intercepted", "intercepted"
    FELL_SHORT = "fell short/outside", "fell short/outside"
    UNKNOWN = "unknown", "unknown"


class Damage(models.TextChoices):
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
    CONFIRMED = "confirmed", "confirmed"
    LIKELY = "likely", "likely"
    SINGLE_SOURCE = "single source", "single source"
    CONTESTED = "contested", "contested"
    DISCOUNTED = "discounted", "discounted"


class Status(models.TextChoices):
    DRAFT = "draft", "draft"
    IN_REVIEW = "in review", "in review"
    PUBLISHED = "published", "published"
    RETRACTED = "retracted", "retracted"


PUBLIC_STATUSES = (Status.PUBLISHED, Status.RETRACTED)


class ActorRole(models.TextChoices):
    PERPETRATOR = "perpetrator", "perpetrator"
    TARGET = "target", "target"
    RESPONDER = "responder", "responder"
    INTERCEPTOR = "interceptor", "interceptor"
    # A side in a clash where neither is perpetrator nor target (UCDP's state-based and
    # non-state violence).
    PARTY = "party", "party"
    CLAIMANT = "claimant", "claimant"
    OTHER = "other", "other"


class Side(models.TextChoices):
    """Which side of a dyad an actor is on, as a dataset records it (UCDP side_a/side_b)."""

    A = "A", "side A"
    B = "B", "side B"


class Attribution(models.TextChoices):
    CONFIRMED = "confirmed", "confirmed"
    CLAIMED = "claimed", "claimed"
    ALLEGED = "alleged", "alleged"
    SUSPECTED = "suspected", "suspected"
    # Nobody claimed it and the sources name no one: the actor is unidentified.
    UNCLAIMED = "unclaimed", "unknown/unclaimed"


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
