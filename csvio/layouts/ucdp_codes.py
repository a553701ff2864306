"""UCDP GED's vocabularies, and the GED values Tessera keeps as a file gave them.

GED's codes (type of violence, date precision, event clarity), how it names countries and
admin-1 areas, and `Incident.dataset_fields`, where the columns Tessera has no field for are
kept on import and given back on export (in Python and in SQL alike).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from functools import cache

import pycountry
from django.db.models import Case, IntegerChoices, Q, When
from django.db.models.fields.json import KT

from core.models import max_length
from csvio.layouts.base import CellError, Column, ImportedIncident, PlaceSpec
from csvio.layouts.cells import keep
from csvio.layouts.sql import CellQuery, Join
from csvio.sql_cells import not_text, text
from geo import gazetteer
from geo.models import LocationKind
from incidents.models import Incident
from incidents.taxonomy import Confidence, DatePrecision, ViolenceType

DATASET = "ucdp-ged"

# Tessera requires an ACLED type; GED only says who fought whom, not with what weapons.
EVENT_TYPES: dict[int, tuple[str, str]] = {
    ViolenceType.STATE_BASED: ("Battles", "Armed clash"),
    ViolenceType.NON_STATE: ("Battles", "Armed clash"),
    ViolenceType.ONE_SIDED: ("Violence against civilians", "Attack"),
}
DATE_PRECISIONS: dict[int, str] = {
    1: DatePrecision.DAY,
    2: DatePrecision.DAYS,
    3: DatePrecision.WEEK,
    4: DatePrecision.MONTH,
    5: DatePrecision.YEAR,
}
DATE_PREC_CODES = {precision: code for code, precision in DATE_PRECISIONS.items()}
# GED's event_clarity 2: the reports are too vague or too aggregated to pin the event down.
LOW_CLARITY = "2"
LOW_CLARITY_CONFIDENCES = (Confidence.CONTESTED, Confidence.DISCOUNTED)
# GED joins the groups of one side with ", " and the sources of one event with ";".
SIDE_SEPARATOR = ", "
NATIVE_SIDE_SEPARATOR = "; "
SOURCE_SEPARATOR = ";"
NO_HEADLINE = "(no headline)"
# GED's estimate columns and the Incident fields they map to.
ESTIMATES = {"low": "fatalities_low", "best": "fatalities_best", "high": "fatalities_high"}
UNKNOWN_PUBLISHER = "(unknown publisher)"
TITLE_LENGTH = max_length(Incident, "title")
SOURCE_TITLE_LENGTH = 500
# GED country names that ISO 3166 spells differently (GED adds former names in parentheses,
# which are dropped before the lookup).
COUNTRY_ALIASES = {
    "bosnia-herzegovina": "BIH",
    "dr congo": "COD",
    "ivory coast": "CIV",
    "kingdom of eswatini": "SWZ",
    "macedonia, fyr": "MKD",
    "turkey": "TUR",
}
# Words GED adds to admin-1 names that ISO 3166-2 leaves out.
ADMIN1_SUFFIXES = re.compile(r"\b(governorate|province|region|state|oblast)\b", re.IGNORECASE)


# -- reading GED's codes and names ------------------------------------------------------


def code(text: str, codes: dict[int, str] | type[IntegerChoices], what: str) -> int:
    """An integer code of a GED vocabulary; anything else is refused with the choices."""
    allowed = list(codes) if isinstance(codes, dict) else _values(codes)
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is None or number not in allowed:
        choices = ", ".join(str(value) for value in allowed)
        raise CellError(f"“{text}” is not a {what} code ({choices}).")
    return number


@cache
def _values(choices: type[IntegerChoices]) -> list[int]:
    # An enum's `values` is built anew on every call, and every row reads several codes.
    return list(choices.values)


def read_ged_date(text: str) -> dt.date:
    """A date, or a date and time as some GED releases write it (2016-01-01 00:00:00.000)."""
    if not text:
        raise CellError("A date is required (YYYY-MM-DD).")
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError as error:
        raise CellError(f"“{text}” is not a date (YYYY-MM-DD).") from error


def imported_place(imported: ImportedIncident) -> PlaceSpec:
    if imported.location is None:
        imported.location = PlaceSpec(name="", latitude=0.0, longitude=0.0)
    return imported.location


def shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def location_kind(name: str) -> str:
    words = set(re.findall(r"\w+", name.lower()))
    if "village" in words:
        return LocationKind.VILLAGE
    if words & {"town", "city"}:
        return LocationKind.CITY
    return LocationKind.AREA


def event_title(side_a: str, side_b: str, place: str) -> str:
    """E.g. "Government of Syria – Syrian insurgents, Teir Maaleh village"."""
    dyad = " – ".join(side for side in (side_a, side_b) if side)
    return shorten(", ".join(part for part in (dyad, place) if part), TITLE_LENGTH)


def _plain(text: str) -> str:
    """A name compared without case, accents or GED's added words (Governorate)."""
    text = ADMIN1_SUFFIXES.sub("", text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@cache
def country_code(name: str) -> str:
    """ISO 3166-1 alpha-3 of a GED country name ("Syria", "DR Congo (Zaire)"), or ""."""
    bare = re.sub(r"\s*\(.*\)\s*$", "", name).strip()
    if bare.casefold() in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[bare.casefold()]
    for candidate in dict.fromkeys((name, bare)):
        try:
            return pycountry.countries.lookup(candidate).alpha_3
        except LookupError:
            pass
    try:
        matches = pycountry.countries.search_fuzzy(bare)
    except LookupError:
        return ""
    # A fuzzy match is only trusted when it is the only one.
    return matches[0].alpha_3 if len(matches) == 1 else ""


@cache
def admin1_code(country: str, name: str) -> str:
    """The ISO 3166-2 code of a GED admin-1 name in `country`, or "" when none matches."""
    wanted = _plain(name)
    for code, area in gazetteer.admin1_areas(country).items():
        if _plain(area) == wanted:
            return code
    return ""


def fitted_estimates(low: int | None, best: int | None, high: int | None) -> tuple:
    """Low, best and high made to satisfy low ≤ best ≤ high, as Tessera requires.

    A few GED rows break the order (best 16, high 2); best is the sum of the deaths by side,
    so it is trusted and the range widened around it.
    """
    if best is not None:
        low = min(low, best) if low is not None else None
        high = max(high, best) if high is not None else None
    return low, best, high


# -- the values Tessera keeps ----------------------------------------------------------------


def is_from_ged(incident: Incident) -> bool:
    return incident.dataset == DATASET


def from_file(name: str, compute: Callable[[Incident], object] | None = None):
    """The file's value for incidents imported from GED, else what Tessera can compute."""

    def value(incident: Incident) -> object:
        if is_from_ged(incident):
            return incident.dataset_fields.get(name, "")
        return compute(incident) if compute else ""

    return value


# Whether the incident came from GED: its kept values are written as the file gave them.
GED = Join(
    "g", lambda q: f"CROSS JOIN LATERAL (SELECT i.dataset = {q.literal(DATASET)} AS ged) AS g"
)


def kept_sql(query: CellQuery, name: str) -> str:
    """A kept GED value as SQL (NULL for incidents from elsewhere)."""
    return f"CASE WHEN {query.join(GED)}.ged THEN i.dataset_fields ->> '{name}' END"


def from_file_sql(
    name: str, compute: Callable[[CellQuery], str] | None = None
) -> Callable[[CellQuery], str]:
    """from_file in SQL: the file's text for GED's rows, else what `compute` writes."""

    def sql(query: CellQuery) -> str:
        kept = text(kept_sql(query, name))
        if compute is None:
            return kept
        return f"CASE WHEN {query.join(GED)}.ged THEN {kept} ELSE {compute(query)} END"

    return sql


def kept_unwritable(*names: str) -> Callable[[CellQuery], str]:
    """GED rows whose kept `names` are not text (->> and str() would write them apart), or
    whose dataset_fields is no object to read them from."""

    def sql(query: CellQuery) -> str:
        keys = " OR ".join(not_text(f"i.dataset_fields -> '{name}'") for name in names)
        return (
            f"i.dataset = {query.literal(DATASET)} "
            f"AND (jsonb_typeof(i.dataset_fields) <> 'object' OR {keys})"
        )

    return sql


def kept_column(
    name: str,
    compute: Callable[[Incident], object] | None = None,
    compute_sql: Callable[[CellQuery], str] | None = None,
) -> Column:
    """A GED column Tessera has no field for: kept on import, given back on export; for
    incidents entered in Tessera, what `compute` (in SQL `compute_sql`) makes of them."""
    assert (compute is None) == (compute_sql is None), "compute it in Python and in SQL"
    return Column(
        name,
        from_file(name, compute),
        keep(name),
        sql=from_file_sql(name, compute_sql),
        sql_unwritable=kept_unwritable(name),
        keeps_spaces=True,
    )


def kept_values(query: CellQuery) -> list[tuple]:
    """(country, admin-1 code, kept country, kept adm_1, kept low, best, high) of the
    incidents' places and GED values, each combination once."""
    ged = Q(dataset=DATASET)
    kept = {
        f"kept_{name}": Case(When(ged, then=KT(f"dataset_fields__{name}")))
        for name in ("country", "adm_1", *ESTIMATES)
    }
    incidents = Incident.objects.filter(pk__in=query.incidents.values("pk")).order_by()
    rows = incidents.annotate(**kept).values_list("location__country", "location__admin1", *kept)
    return list(rows.distinct())
