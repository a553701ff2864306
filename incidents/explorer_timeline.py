"""The explorer's timeline: the bars of `incidents.timeline` as the page draws them.

The page draws them on the server, as SVG rectangles whose sizes are attributes (the CSP
allows no inline style), each bar a link to the incidents it counts; static/js/timeline.js
adds selecting a range of bars by dragging across them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from incidents import taxonomy, timeline

# The chart's own units: each bar a slot this wide, the tallest TALLEST high below a margin; a
# chart of fewer bars than MIN_SLOTS keeps its bars this narrow, in the middle.
SLOT = 10
HEIGHT = 100
TALLEST = 95
MIN_SLOTS = 24
EVENT_TYPES = [value for value, _ in taxonomy.EVENT_TYPE_CHOICES]


@dataclass(frozen=True)
class Segment:
    event_type: str
    css_class: str  # its colour, the same for an event type on every page
    y: float
    height: float


@dataclass(frozen=True)
class ChartBar:
    label: str
    total: int
    url: str | None  # the explorer narrowed to the incidents counted
    x: int
    segments: list[Segment]
    counts: dict[str, int]


def css_class(event_type: str) -> str:
    place = EVENT_TYPES.index(event_type) if event_type in EVENT_TYPES else len(EVENT_TYPES)
    return f"event-type-{place}"


def period_label(start: dt.date, interval: str) -> str:
    if interval == "year":
        return f"{start:%Y}"
    if interval == "month":
        return f"{start:%B %Y}"
    if interval == "week":
        return f"Week of {start:%Y-%m-%d}"
    return f"{start:%Y-%m-%d}"


def chart(
    counts: timeline.Timeline, selection: dict[str, Any], link: Callable[[dict[str, str]], str]
) -> dict[str, Any] | None:
    """What templates/pages/includes/timeline.html draws, each bar linked (`link`) to the
    selection (the FilterSet's cleaned data) with the bar's filters; None when it is empty."""
    if not counts.bars:
        return None
    tallest = max(bar.total for bar in counts.bars)
    width = max(len(counts.bars), MIN_SLOTS) * SLOT
    left = (width - len(counts.bars) * SLOT) // 2
    bars = [
        chart_bar(bar, left + place * SLOT, tallest, counts.interval, selection, link)
        for place, bar in enumerate(counts.bars)
    ]
    return {
        "interval": counts.interval,
        "bars": bars,
        "fills_width": left == 0,
        "width": width,
        "height": HEIGHT,
        "tallest": tallest,
        "legend": [(name, css_class(name)) for name in counts.event_types],
    }


def chart_bar(
    bar: timeline.Bar,
    x: int,
    tallest: int,
    interval: str,
    selection: dict[str, Any],
    link: Callable[[dict[str, str]], str],
) -> ChartBar:
    segments, top = [], float(HEIGHT)
    for event_type, count in bar.counts.items():
        if count:
            height = round(count / tallest * TALLEST, 2)
            top -= height
            segments.append(Segment(event_type, css_class(event_type), round(top, 2), height))
    narrowed = timeline.bar_filters(bar, selection)
    url = link(narrowed) if narrowed else None
    return ChartBar(period_label(bar.start, interval), bar.total, url, x, segments, bar.counts)
