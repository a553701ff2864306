"""Which layout a file is in, read from its header.

A layout fits a header that has every column the layout needs (its optional columns may be
missing). Tessera's, ACLED's and UCDP's headers share few names, so at most one fits a real
file; were two to fit, the one sharing more columns with the header wins. A layout the editor
chose is used as chosen, but a file that does not fit it and fits another is named for what
it is, instead of listing every column it lacks.
"""

from __future__ import annotations

from collections.abc import Sequence

from csvio.imports.report import Problem
from csvio.layouts import PRESETS
from csvio.layouts.base import Preset

# The choice that leaves the layout to the file's header (the admin's and the command's default).
DETECT = "detect"
# Missing columns named in a message; the rest are counted.
NAMED_COLUMNS = 6


def missing_columns(preset: Preset, header: Sequence[str] | None) -> list[str]:
    """The columns the layout needs that the file's header lacks."""
    return [
        column.name
        for column in preset.columns
        if not column.optional and column.name not in (header or [])
    ]


def detected_layout(header: Sequence[str] | None) -> Preset | None:
    """The layout the header fits, or None when it fits none."""
    fitting = [preset for preset in PRESETS.values() if not missing_columns(preset, header)]
    return max(fitting, key=lambda preset: _shared(preset, header), default=None)


def layout_of(
    header: Sequence[str] | None, chosen: Preset | None
) -> tuple[Preset | None, Problem | None]:
    """The layout to read a file with (the chosen one, else the detected one), or why there
    is none: the problem names the layout the file looks like, or the columns it lacks."""
    detected = detected_layout(header)
    if chosen is None:
        if detected is not None:
            return detected, None
        closest = max(PRESETS.values(), key=lambda preset: _shared(preset, header))
        missing = missing_columns(closest, header)
        return None, Problem(
            1,
            _named(missing),
            "The header fits none of the layouts "
            f"({', '.join(preset.label for preset in PRESETS.values())}); the closest is "
            f"{closest.label}, which needs these columns too.",
        )
    missing = missing_columns(chosen, header)
    if not missing:
        return chosen, None
    if detected is not None and detected is not chosen:
        return None, Problem(
            1,
            "",
            f"This looks like {_a(detected.label)} {detected.label} file, not {chosen.label}: its "
            f"header has every column of the {detected.label} layout and lacks {len(missing)} "
            f"of the {chosen.label} layout's. Import it as {detected.label}, or let the layout "
            "be detected.",
        )
    return None, Problem(1, ", ".join(missing), "Missing from the header of this file.")


def _shared(preset: Preset, header: Sequence[str] | None) -> int:
    return len(set(preset.header) & set(header or []))


def _named(columns: list[str]) -> str:
    more = len(columns) - NAMED_COLUMNS
    named = ", ".join(columns[:NAMED_COLUMNS])
    return f"{named} and {more} more" if more > 0 else named


def _a(label: str) -> str:
    return "an" if label[:1] in "AEIO" else "a"  # an ACLED, a UCDP GED, a Tessera
