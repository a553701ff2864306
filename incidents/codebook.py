"""The codebook: every vocabulary an incident is coded with, read from incidents.taxonomy.

Nothing here restates a definition: each entry is a taxonomy value with its label and the
definition taxonomy holds for it, and each vocabulary is introduced by its class's docstring.
The codebook page shows these in this order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from incidents import taxonomy


@dataclass(frozen=True)
class Term:
    value: str  # as stored, and as the API, the CSV files and the filters write it
    label: str
    definition: str = ""
    terms: tuple[Term, ...] = ()  # a type's sub-types


@dataclass(frozen=True)
class Vocabulary:
    name: str  # the anchor on the codebook page
    title: str
    fields: tuple[str, ...]  # the fields coded with it
    intro: str
    terms: tuple[Term, ...] = ()


def from_choices(
    choices: type[models.Choices], definitions: dict | None = None
) -> tuple[Term, ...]:
    definitions = definitions or {}
    return tuple(
        Term(str(choice.value), str(choice.label), definitions.get(choice, ""))
        for choice in choices
    )


def intro(choices: type[models.Choices]) -> str:
    return " ".join((choices.__doc__ or "").split())


def event_types() -> tuple[Term, ...]:
    return tuple(
        Term(
            name,
            name,
            taxonomy.EVENT_TYPE_DEFINITIONS[name],
            tuple(Term(sub, sub, taxonomy.SUB_EVENT_TYPE_DEFINITIONS[sub]) for sub in subs),
        )
        for name, subs in taxonomy.ACLED_EVENT_TYPES.items()
    )


def geo_precisions() -> tuple[Term, ...]:
    return tuple(
        Term(str(code.value), code.label, f"ACLED geo_precision {code.acled}")
        for code in taxonomy.GeoPrecision
    )


def vocabularies() -> list[Vocabulary]:
    """Every vocabulary, in the order the codebook shows them."""
    t = taxonomy
    return [
        Vocabulary(
            "event-types",
            "Event and sub-event types",
            ("event_type", "sub_event_type"),
            "ACLED's event types, as exact strings; each sub-event type belongs to one type.",
            event_types(),
        ),
        Vocabulary(
            "date-precision",
            "Date precision",
            ("date_precision",),
            intro(t.DatePrecision),
            from_choices(t.DatePrecision, t.DATE_PRECISION_PHRASES),
        ),
        Vocabulary(
            "geo-precision",
            "Geographic precision",
            ("geo_precision",),
            intro(t.GeoPrecision),
            geo_precisions(),
        ),
        Vocabulary(
            "violence-type",
            "Type of violence",
            ("violence_type",),
            intro(t.ViolenceType),
            from_choices(t.ViolenceType),
        ),
        Vocabulary("weapon", "Weapon", ("weapon",), intro(t.Weapon), from_choices(t.Weapon)),
        Vocabulary(
            "outcome",
            "Outcome",
            ("outcome",),
            intro(t.Outcome),
            from_choices(t.Outcome, t.OUTCOME_DEFINITIONS),
        ),
        Vocabulary(
            "damage",
            "Damage",
            ("damage",),
            intro(t.Damage),
            from_choices(t.Damage, t.DAMAGE_DEFINITIONS),
        ),
        Vocabulary(
            "counts",
            "Fatalities, injured and munitions",
            tuple(t.COUNT_DEFINITIONS),
            t.UNKNOWN_IS_NOT_ZERO,
            tuple(Term(name, name, meaning) for name, meaning in t.COUNT_DEFINITIONS.items()),
        ),
        Vocabulary(
            "confidence",
            "Confidence",
            ("confidence",),
            intro(t.Confidence),
            from_choices(t.Confidence, t.CONFIDENCE_DEFINITIONS),
        ),
        Vocabulary(
            "actor-roles",
            "Actor roles",
            ("role",),
            intro(t.ActorRole),
            from_choices(t.ActorRole, t.ACTOR_ROLE_DEFINITIONS),
        ),
        Vocabulary(
            "attribution",
            "Attribution",
            ("attribution",),
            intro(t.Attribution),
            from_choices(t.Attribution, t.ATTRIBUTION_DEFINITIONS),
        ),
        Vocabulary("side", "Side", ("side",), intro(t.Side), from_choices(t.Side)),
        Vocabulary(
            "actor-type",
            "Actor type",
            ("actor_type",),
            intro(t.ActorType),
            from_choices(t.ActorType),
        ),
    ]
