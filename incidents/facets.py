"""Facets: how many incidents of a selection have each event type, country, actor, year…

One module counts them for the explorer page and for `/api/v1/incidents/facets/`, so that both
give the same numbers for the same filters. Each facet is one GROUP BY query over the incidents
the FilterSet chose. Each value names the filter that selects it (`parameter=value`), so that a
facet's link narrows the selection to the incidents its count says.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, QuerySet
from django.db.models.functions import ExtractYear

from geo import gazetteer
from incidents.taxonomy import Confidence

# The most values a facet lists; the values with the most incidents come first.
FACET_SIZE = 10
YEAR = "year"


def _as_text(value: Any) -> str:
    return str(value)


@dataclass(frozen=True)
class Facet:
    """A facet: the column its values come from and how to name and select each value.

    `value` is the column grouped by; `label`, when given, a column naming each value (an
    actor's name beside its id). `parameter` is the filter a value selects; `describe` turns a
    value into the text shown.
    """

    name: str
    title: str
    value: Any
    parameter: str
    label: str | None = None
    describe: Callable[[Any], str] = _as_text
    size: int = FACET_SIZE
    may_be_blank: bool = False  # a text column where "" means unknown


def parameter_value(text: str) -> str:
    """`text` as one item of a list parameter: quoted when it holds a comma or a quote, as the
    list filters read their items as CSV."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([text])
    return out.getvalue()


@dataclass(frozen=True)
class FacetValue:
    value: str  # what the filter parameter is given to select it (parameter_value)
    label: str
    count: int


@dataclass
class FacetCounts:
    facet: Facet
    values: list[FacetValue] = field(default_factory=list)


FACETS: dict[str, Facet] = {
    facet.name: facet
    for facet in [
        Facet("event_type", "Event type", F("event_type"), "event_type"),
        Facet("sub_event_type", "Sub-event type", F("sub_event_type"), "sub_event_type"),
        Facet(
            "country",
            "Country",
            F("location__country"),
            "country",
            describe=gazetteer.country_name,
        ),
        Facet(
            "admin1",
            "Admin-1 area",
            F("location__admin1"),
            "admin1",
            describe=gazetteer.admin1_name,
            may_be_blank=True,
        ),
        Facet("actor", "Actor", F("participants__actor_id"), "actor", "participants__actor__name"),
        # A year selects the incidents with any day in it: date_after and date_before.
        Facet(YEAR, "Year", ExtractYear("date_start"), YEAR),
        Facet(
            "confidence",
            "Confidence",
            F("confidence"),
            "confidence",
            describe=lambda value: str(Confidence(value).label),
        ),
        Facet("tag", "Tag", F("tags__name"), "tag"),
    ]
}


class UnknownFacet(ValueError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)


def unknown_message(name: str) -> str:
    known = ", ".join(FACETS)
    close = difflib.get_close_matches(name, list(FACETS), n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return f"“{name}” is not a facet — {hint}Use one of: {known}."


def requested(values: Sequence[str]) -> list[Facet]:
    """The facets a `facet` parameter names (repeated or comma-separated), or every facet when
    it names none; UnknownFacet names the first it does not know."""
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    for name in names:
        if name not in FACETS:
            raise UnknownFacet(name)
    return [FACETS[name] for name in dict.fromkeys(names)] or list(FACETS.values())


def counted(incidents: QuerySet, facets: Iterable[Facet]) -> list[FacetCounts]:
    """Each facet's values with the number of `incidents` having it, most frequent first: one
    query per facet."""
    return [FacetCounts(facet, _values(incidents, facet)) for facet in facets]


def _values(incidents: QuerySet, facet: Facet) -> list[FacetValue]:
    label = F(facet.label) if facet.label else facet.value
    known = incidents.order_by().annotate(facet_value=facet.value, facet_label=label)
    known = known.exclude(facet_value=None)
    if facet.may_be_blank:
        known = known.exclude(facet_value="")
    rows = (
        known.values("facet_value", "facet_label")
        # An incident counts once, even where an actor takes part in two roles.
        .annotate(count=Count("pk", distinct=True))
        .order_by("-count", "facet_label")[: facet.size]
    )
    return [
        FacetValue(
            value=parameter_value(str(row["facet_value"])),
            label=facet.describe(row["facet_label"]),
            count=row["count"],
        )
        for row in rows
    ]
