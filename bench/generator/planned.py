"""One synthetic incident drawn with the rows that hang from it: parties, citations, tags.

The incident is drawn as plain values (no model instance: building one costs more than
drawing it), which writing.py turns into rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

from bench.generator.pools import CountryPool, Named, Place, PooledSource, Pools
from bench.generator.shape import (
    BATTLES,
    CIVILIAN_VIOLENCE,
    CONFIDENCES,
    COUNTED_WEAPONS,
    DATASET,
    DATE_PRECISIONS,
    DISRUPTED,
    EXPLOSIONS,
    GEO_PRECISIONS,
    LATEST_TIMESTAMP,
    LETHAL_TYPES,
    NO_WEAPON,
    OTHER_ATTRIBUTIONS,
    PERPETRATOR_ATTRIBUTIONS,
    RETRACTION_REASON,
    STATUSES,
    STRIKE_DAMAGE,
    STRIKE_OUTCOMES,
    SUB_EVENT_DRAW,
    WEAPONS,
    Country,
    day_in,
)
from bench.generator.vocabulary import QUOTES, REBEL, SLOTS, STATE, TITLES
from incidents.taxonomy import (
    ActorRole,
    Attribution,
    Claim,
    Damage,
    DatePrecision,
    Outcome,
    Stance,
    Status,
    ViolenceType,
)


@dataclass(frozen=True)
class Participant:
    actor: Named
    role: str
    attribution: str


@dataclass(frozen=True)
class PlannedCitation:
    source: PooledSource
    quote: str
    locator: str
    supports: list[str]
    stance: str


@dataclass
class Planned:
    """One incident and the rows that hang from it, before they have ids.

    `incident` holds the values of Incident's fields by attribute name (`location_id`…); the
    fields it leaves out keep their defaults.
    """

    incident: SimpleNamespace
    place: Place
    participants: list[Participant] = field(default_factory=list)
    citations: list[PlannedCitation] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)


# Read once: an enumeration's `values` builds a new list on every call.
CLAIMS = Claim.values
RETRACTED = Status.RETRACTED.value


def plan_incident(
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
    incident = SimpleNamespace(
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
    if incident.status == RETRACTED:
        incident.retraction_reason = RETRACTION_REASON
    _weaponry(rng, incident)
    _timestamps(rng, incident)
    planned = Planned(incident, place, participants=_participants(rng, pool, incident))
    incident.summary = _summary(incident, place, country, planned.participants)
    planned.citations = _citations(rng, pools, incident, place)
    planned.tag_ids = sorted({pools.tags.draw(rng) for _ in range(_tag_count(rng))})
    return planned


def _dates(rng: random.Random, year: int) -> tuple[dt.date, dt.date, str]:
    day = day_in(rng, year)
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


def _weaponry(rng: random.Random, incident: SimpleNamespace) -> None:
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


def _timestamps(rng: random.Random, incident: SimpleNamespace) -> None:
    """Entered days after the event, and edited later for a third of the records."""
    entered = dt.datetime.combine(incident.date_end, dt.time(), tzinfo=dt.UTC) + dt.timedelta(
        hours=rng.randint(6, 23), days=rng.expovariate(1 / 5)
    )
    edited = entered
    if rng.random() < 0.3 or incident.status == RETRACTED:
        edited = entered + dt.timedelta(days=rng.expovariate(1 / 90))
    incident.created_at = min(entered, LATEST_TIMESTAMP)
    incident.updated_at = min(edited, LATEST_TIMESTAMP)


def _participants(
    rng: random.Random, pool: CountryPool, incident: SimpleNamespace
) -> list[Participant]:
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
    incident: SimpleNamespace, place: Place, country: Country, participants: list[Participant]
) -> str:
    where = f"{place.name}, {place.region} ({country.name})"
    parties = "; ".join(
        f"{party.actor.name} ({party.role}, {party.attribution})" for party in participants
    )
    return (
        f"{incident.sub_event_type} in {where} on {incident.date_start:%d %B %Y}. "
        f"Actors: {parties}. {_casualties(incident)}"
    )


def _casualties(incident: SimpleNamespace) -> str:
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
    rng: random.Random, pools: Pools, incident: SimpleNamespace, place: Place
) -> list[PlannedCitation]:
    drawn = [pools.sources.draw(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
    sources = {source.id: source for source in drawn}
    date = f"{incident.date_start:%d %B %Y}"
    casualties = _casualties(incident)
    return [
        PlannedCitation(
            source=sources[source_id],
            quote=rng.choice(QUOTES).format(place=place.name, date=date, casualties=casualties),
            locator=f"paragraph {rng.randint(1, 12)}",
            supports=sorted(rng.sample(CLAIMS, rng.randint(1, 3)), key=CLAIMS.index),
            stance=Stance.CONTRADICTS if rng.random() < 0.04 else Stance.SUPPORTS,
        )
        for source_id in sorted(sources)
    ]


def _tag_count(rng: random.Random) -> int:
    roll = rng.random()
    return 2 if roll < 0.08 else 1 if roll < 0.3 else 0
