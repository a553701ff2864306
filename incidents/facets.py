"""Facets: how many incidents of a selection have each event type, country, actor, year…

One module counts them for the explorer page and for `/api/v1/incidents/facets/`, so that both
give the same numbers for the same filters. Each facet is one GROUP BY query over the incidents
the FilterSet chose, or over the stored counts when they can answer the selection and hold the
facet's column (incidents.counting). Each value names the filter that selects it
(`parameter=value`), so that a facet's link narrows the selection to the incidents its count
says.

A year selects the incidents with any day in it (`date_after` and `date_before`, which read an
incident's last and first day), within the selection's own dates (`year_filters`): an incident
over several years counts in each of them that its link selects, so the facet's count is the
count of the list its link opens.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.functions import ExtractYear

from geo import gazetteer
from incidents.counting import Counted, as_counted, tally
from incidents.filters import held_by_counts
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

    @property
    def stored(self) -> bool:
        """Whether the stored counts hold the columns this facet groups by."""
        columns = [self.value, F(self.label) if self.label else self.value]
        return all(
            isinstance(each, F) and held_by_counts(each.name)  # type: ignore[attr-defined]
            for each in columns
        )


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
        # A year selects the incidents with any day in it: date_after and date_before
        # (counted by _years, from the first and last day's years).
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


def counted(selection: Counted | QuerySet, facets: Iterable[Facet]) -> list[FacetCounts]:
    """Each facet's values with the number of incidents of `selection` (a Counted selection,
    or a queryset of incidents) having it, most frequent first: one query per facet."""
    selection = as_counted(selection)
    return [FacetCounts(facet, _counts(selection, facet)) for facet in facets]


def _counts(selection: Counted, facet: Facet) -> list[FacetValue]:
    if facet.name == YEAR:
        return _years(selection)
    return _values(selection.rows(held=facet.stored), facet)


def year_filters(year: int, selection: dict[str, Any]) -> dict[str, dt.date]:
    """The filters that narrow a selection (the FilterSet's cleaned data) to the incidents with
    a day in `year`: its `date_after` and `date_before`, within the selection's own."""
    after, before = selection.get("date_after"), selection.get("date_before")
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return {
        "date_after": max(first, after) if after else first,
        "date_before": min(last, before) if before else last,
    }


def _years(selection: Counted) -> list[FacetValue]:
    """Each year with the incidents that have a day in it and in the selection's own dates:
    one GROUP BY the first and last day's years."""
    rows = selection.rows(held=True).order_by()
    spans = rows.values(first=ExtractYear("date_start"), last=ExtractYear("date_end")).annotate(
        count=tally(rows)
    )
    after, before = selection.filters.get("date_after"), selection.filters.get("date_before")
    counts: dict[int, int] = {}
    for span in spans:
        first = max(span["first"], after.year) if after else span["first"]
        last = min(span["last"], before.year) if before else span["last"]
        for year in range(first, last + 1):
            counts[year] = counts.get(year, 0) + span["count"]
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: FACETS[YEAR].size]
    return [FacetValue(str(year), str(year), count) for year, count in top]


def _values(incidents: QuerySet, facet: Facet) -> list[FacetValue]:
    label = F(facet.label) if facet.label else facet.value
    known = incidents.order_by().annotate(facet_value=facet.value, facet_label=label)
    known = known.exclude(facet_value=None)
    if facet.may_be_blank:
        known = known.exclude(facet_value="")
    rows = (
        known.values("facet_value", "facet_label")
        # An incident counts once, even where an actor takes part in two roles.
        .annotate(count=tally(known, distinct=True))
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
