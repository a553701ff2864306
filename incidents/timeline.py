"""The timeline: how many incidents of a selection started in each day, week, month or year,
by event type.

One module counts them for the explorer page and for `/api/v1/incidents/timeline/`, from the
incidents or from the stored counts when they can answer the selection (incidents.counting). An
incident counts once, under the period of its first day (`date_start`). A period is selected
by `start_after` and `date_before`, which both read the first day, so a bar's link lists
exactly the incidents the bar counts (`date_after` reads the last day: it would add the
incidents that began earlier and ran into the period).

Periods are calendar days, ISO weeks (Monday to Sunday), months and years. Without an
interval asked for, the shortest one giving at most MAX_CHOSEN_BARS bars over the selection's
first days is chosen. Periods with no incident between the first and the last are given, as 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import DateField, Max, Min, QuerySet
from django.db.models.functions import Trunc

from incidents import taxonomy
from incidents.counting import Counted, as_counted, tally

INTERVALS = ("day", "week", "month", "year")
# The most bars an interval chosen from the span gives, and the most an interval asked for may.
MAX_CHOSEN_BARS = 120
MAX_BARS = 2000
# The key of incidents without an event type: counted, never dropped.
UNKNOWN = "unknown"


class UnknownInterval(ValueError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)


class TooManyBars(ValueError):
    def __init__(self, bars: int) -> None:
        self.bars = bars
        super().__init__(bars)


def interval_message(error: UnknownInterval | TooManyBars) -> str:
    if isinstance(error, TooManyBars):
        return (
            f"This selection spans {error.bars} periods of this interval; at most {MAX_BARS}. "
            "Choose a longer interval or narrow the dates."
        )
    return f"“{error.name}” is not an interval. Use one of: {', '.join(INTERVALS)}."


@dataclass(frozen=True)
class Bar:
    """One period: its first and last day and how many incidents of each event type began in
    it (every event type of the timeline, 0 included)."""

    start: dt.date
    end: dt.date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Timeline:
    interval: str
    chosen: bool  # chosen from the span rather than asked for
    event_types: list[str] = field(default_factory=list)  # those counted, in taxonomy order
    bars: list[Bar] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(bar.total for bar in self.bars)


def interval_asked(value: str | None) -> str | None:
    """The interval a parameter names, None when absent; UnknownInterval otherwise."""
    if value is None:
        return None
    if value not in INTERVALS:
        raise UnknownInterval(value)
    return value


def period_start(day: dt.date, interval: str) -> dt.date:
    if interval == "year":
        return day.replace(month=1, day=1)
    if interval == "month":
        return day.replace(day=1)
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    return day


def next_period(start: dt.date, interval: str) -> dt.date:
    if interval == "year":
        return start.replace(year=start.year + 1)
    if interval == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=7 if interval == "week" else 1)


def periods_between(first: dt.date, last: dt.date, interval: str) -> int:
    """How many periods of `interval` from the one holding `first` to the one holding `last`."""
    if interval == "year":
        return last.year - first.year + 1
    if interval == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    days = (period_start(last, interval) - period_start(first, interval)).days
    return days // (7 if interval == "week" else 1) + 1


def chosen_interval(first: dt.date, last: dt.date) -> str:
    for interval in INTERVALS:
        if periods_between(first, last, interval) <= MAX_CHOSEN_BARS:
            return interval
    return "year"


def counted(selection: Counted | QuerySet, interval: str | None = None) -> Timeline:
    """The timeline of a selection (or a queryset of incidents) by `interval`, or by one chosen
    from their first days: one GROUP BY query, and one more for the span when choosing.
    TooManyBars when an interval asked for gives more than MAX_BARS periods."""
    incidents = as_counted(selection).rows().order_by()
    chosen = interval is None
    if interval is None:
        span = incidents.aggregate(first=Min("date_start"), last=Max("date_start"))
        if span["first"] is None:
            return Timeline("year", chosen)
        interval = chosen_interval(span["first"], span["last"])
    rows = (
        incidents.annotate(period=Trunc("date_start", interval, output_field=DateField()))
        .values("period", "event_type")
        .annotate(count=tally(incidents))
    )
    counts: dict[dt.date, dict[str, int]] = {}
    for row in rows:
        event_type = row["event_type"] or UNKNOWN
        per_type = counts.setdefault(row["period"], {})
        per_type[event_type] = per_type.get(event_type, 0) + row["count"]
    return _timeline(counts, interval, chosen)


def _timeline(counts: dict[dt.date, dict[str, int]], interval: str, chosen: bool) -> Timeline:
    if not counts:
        return Timeline(interval, chosen)
    first, last = min(counts), max(counts)
    bars = periods_between(first, last, interval)
    if bars > MAX_BARS:
        raise TooManyBars(bars)
    present = {event_type for per_type in counts.values() for event_type in per_type}
    names = [value for value, _ in taxonomy.EVENT_TYPE_CHOICES] + [UNKNOWN]
    order = {name: place for place, name in enumerate(names)}
    event_types = sorted(present, key=lambda name: (order.get(name, len(order)), name))
    timeline = Timeline(interval, chosen, event_types)
    start = first
    while start <= last:
        following = next_period(start, interval)
        per_type = counts.get(start, {})
        timeline.bars.append(
            Bar(
                start,
                following - dt.timedelta(days=1),
                {name: per_type.get(name, 0) for name in event_types},
            )
        )
        start = following
    return timeline


def bar_filters(bar: Bar, selection: dict[str, Any]) -> dict[str, str] | None:
    """The filters that narrow a selection (the FilterSet's cleaned data) to the incidents
    `bar` counts: its days, within the selection's own `start_after` and `date_before`.

    None when the selection's `date_after` is later than the bar's last day (incidents that
    began in the bar and end after it): no start-date range with that filter can be asked."""
    after, before = selection.get("start_after"), selection.get("date_before")
    first = max(bar.start, after) if after else bar.start
    last = min(bar.end, before) if before else bar.end
    ends_after = selection.get("date_after")
    if ends_after and ends_after > last:
        return None
    return {"start_after": first.isoformat(), "date_before": last.isoformat()}
