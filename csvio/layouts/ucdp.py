"""UCDP GED's layout: its columns, in its order, with its codes.

GED describes an event by a dyad (side A against side B), a place, dates with a precision
code and death counts by side. Columns that map to an Incident field are read into it and
written from it; the others (conflict and dyad ids, deaths by side, the source article) are
kept in `Incident.dataset_fields` as the file gave them, so an export gives them back. For
incidents entered in Tessera, what can be computed is computed and the rest left empty.
The full mapping, with its limits, is in docs/csv/ucdp.md.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from functools import cache

import pycountry
from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from csvio.layouts.base import (
    ActorSpec,
    CellError,
    CitationSpec,
    Column,
    ImportedIncident,
    PlaceSpec,
    Preset,
    SourceSpec,
    related,
)
from csvio.layouts.cells import keep, read_count, read_float
from geo import gazetteer
from geo.models import LocationKind
from incidents.models import Incident
from incidents.taxonomy import (
    ActorRole,
    ActorType,
    Confidence,
    DatePrecision,
    GeoPrecision,
    Side,
    Status,
    ViolenceType,
)

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
TITLE_LENGTH = Incident._meta.get_field("title").max_length
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


# -- reading cells --------------------------------------------------------------------------


def _code(text: str, codes: dict | type, what: str) -> int:
    """An integer code of a GED vocabulary; anything else is refused with the choices."""
    allowed = list(codes) if isinstance(codes, dict) else _values(codes)
    try:
        code = int(text)
    except ValueError:
        code = None
    if code not in allowed:
        choices = ", ".join(str(value) for value in allowed)
        raise CellError(f"“{text}” is not a {what} code ({choices}).")
    return code


@cache
def _values(choices: type) -> list[int]:
    # An enum's `values` is built anew on every call, and every row reads several codes.
    return list(choices.values)


def _read_ged_date(text: str) -> dt.date:
    """A date, or a date and time as some GED releases write it (2016-01-01 00:00:00.000)."""
    if not text:
        raise CellError("A date is required (YYYY-MM-DD).")
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError as error:
        raise CellError(f"“{text}” is not a date (YYYY-MM-DD).") from error


def _place(imported: ImportedIncident) -> PlaceSpec:
    if imported.location is None:
        imported.location = PlaceSpec(name="", latitude=0.0, longitude=0.0)
    return imported.location


def _read_id(imported: ImportedIncident, text: str) -> None:
    if not text:
        raise CellError("Every GED event has an id; without it a re-import would duplicate.")
    imported.event_id = text
    # What every GED row has in common: GED publishes coded, reviewed events.
    imported.fields["status"] = Status.PUBLISHED


def _read_violence_type(imported: ImportedIncident, text: str) -> None:
    violence_type = _code(text, ViolenceType, "type_of_violence")
    event_type, sub_event_type = EVENT_TYPES[violence_type]
    imported.fields.update(
        violence_type=violence_type, event_type=event_type, sub_event_type=sub_event_type
    )


def split_side(text: str) -> list[str]:
    """The groups of one GED side ("Fatah Halab, Jabhat Fateh al-Sham")."""
    return [name.strip() for name in text.split(SIDE_SEPARATOR.strip()) if name.strip()]


def actor_type(name: str, violence_type: int | None) -> int:
    """The ACLED inter code of an actor GED names, for when Tessera creates it."""
    if name.startswith("Government of"):
        return ActorType.STATE_FORCES
    if name == "Civilians":
        return ActorType.CIVILIANS
    if violence_type == ViolenceType.STATE_BASED:
        return ActorType.REBEL_GROUP  # fighting a government
    return ActorType.POLITICAL_MILITIA


def _role(side: str, violence_type: int | None) -> str:
    if violence_type == ViolenceType.ONE_SIDED:
        return ActorRole.PERPETRATOR if side == Side.A else ActorRole.TARGET
    return ActorRole.PARTY


def _read_side(side: str) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        # The file's text keeps GED's order and spelling for the export.
        keep(f"side_{side.lower()}")(imported, text)
        violence_type = imported.fields.get("violence_type")
        for name in split_side(text):
            imported.actors.append(
                ActorSpec(
                    name,
                    _role(side, violence_type),
                    side=side,
                    actor_type=actor_type(name, violence_type),
                )
            )

    return read


def _read_offices(imported: ImportedIncident, text: str) -> None:
    offices = text.split(SOURCE_SEPARATOR) if text else []
    imported.citations = [
        CitationSpec(SourceSpec(title="", publisher=office.strip() or UNKNOWN_PUBLISHER), quote="")
        for office in offices
    ]


def _read_source_dates(imported: ImportedIncident, text: str) -> None:
    if not text:
        return  # GED leaves some source dates out
    parts = text.split(SOURCE_SEPARATOR)
    if len(parts) != len(imported.citations):
        raise CellError(
            f"{len(parts)} dates for {len(imported.citations)} sources in source_office."
        )
    for citation, part in zip(imported.citations, parts, strict=True):
        citation.source.published_at = _read_ged_date(part.strip()) if part.strip() else None


def article_headlines(article: str) -> list[str]:
    """The headlines in GED's source_article: "office,date,headline";"office,date,headline"."""
    if not (article.startswith('"') and article.endswith('"')):
        return []
    items = article[1:-1].split(f'"{SOURCE_SEPARATOR}"')
    parts = [item.split(",", 2) for item in items]
    return [part[2] for part in parts] if all(len(part) == 3 for part in parts) else []


def _split_headlines(text: str, article: str, count: int) -> list[str] | None:
    """One headline per source, or None when the cell cannot be told apart.

    Headlines hold semicolons of their own (HTML entities such as &#8220;), so the joined
    cell is split by source_article, whose items are quoted, before falling back on ";".
    """
    if count <= 1:
        return [text]
    from_article = article_headlines(article)
    if len(from_article) == count and SOURCE_SEPARATOR.join(from_article) == text:
        return from_article
    parts = text.split(SOURCE_SEPARATOR)
    return parts if len(parts) == count else None


def _read_headlines(imported: ImportedIncident, text: str) -> None:
    if not imported.citations:
        if not text:
            return
        imported.citations = [CitationSpec(SourceSpec("", UNKNOWN_PUBLISHER), quote="")]
    article = imported.dataset_fields.get("source_article", "")
    headlines = _split_headlines(text, article, len(imported.citations))
    if headlines is None:
        _merge_citations(imported)
        headlines = [text]
    for citation, headline in zip(imported.citations, headlines, strict=True):
        headline = headline.strip() or NO_HEADLINE
        citation.source.title = _shorten(headline, SOURCE_TITLE_LENGTH)
        citation.quote = headline  # the words GED's coders read


def _merge_citations(imported: ImportedIncident) -> None:
    """Several sources whose headlines cannot be told apart become one, named as in the file."""
    first = imported.citations[0]
    publishers = SOURCE_SEPARATOR.join(c.source.publisher for c in imported.citations)
    first.source.publisher = _shorten(publishers, 200)
    imported.citations = [first]


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _read_where_prec(imported: ImportedIncident, text: str) -> None:
    imported.fields["geo_precision"] = _code(text, GeoPrecision, "where_prec")


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
    return _shorten(", ".join(part for part in (dyad, place) if part), TITLE_LENGTH)


def _read_where(imported: ImportedIncident, text: str) -> None:
    if not text:
        raise CellError("The place (where_coordinates) is required.")
    place = _place(imported)
    place.name, place.kind = text, location_kind(text)
    # Both sides come before where_coordinates in GED's order.
    sides = imported.dataset_fields
    imported.fields["title"] = event_title(sides.get("side_a", ""), sides.get("side_b", ""), text)


def _read_adm_1(imported: ImportedIncident, text: str) -> None:
    # Kept as written: GED's names rarely match ISO 3166-2's (Homs / Ḩimş).
    keep("adm_1")(imported, text)


def _read_adm_2(imported: ImportedIncident, text: str) -> None:
    _place(imported).admin2 = text


def _read_coordinate(part: str, limit: int) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        number = read_float(text, part)
        if not -limit <= number <= limit:
            raise CellError(f"{part.capitalize()} must be between -{limit} and {limit} degrees.")
        setattr(_place(imported), part, number)

    return read


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


def _read_country(imported: ImportedIncident, text: str) -> None:
    if not text:
        raise CellError("A country is required.")
    code = country_code(text)
    if not code:
        raise CellError(f"“{text}” is not a country name that ISO 3166 knows.")
    keep("country")(imported, text)
    place = _place(imported)
    place.country = code
    # adm_1 comes before country in GED's order.
    place.admin1 = admin1_code(code, imported.dataset_fields.get("adm_1", ""))


def _read_event_clarity(imported: ImportedIncident, text: str) -> None:
    if text:
        _code(text, {1: "high", 2: "low"}, "event_clarity")
        keep("event_clarity")(imported, text)
    imported.fields["confidence"] = (
        Confidence.CONTESTED if text == LOW_CLARITY else Confidence.LIKELY
    )


def _read_date_prec(imported: ImportedIncident, text: str) -> None:
    imported.fields["date_precision"] = DATE_PRECISIONS[_code(text, DATE_PRECISIONS, "date_prec")]


def _read_date(name: str, *, required: bool = True) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        if text or required:  # an empty end date means one day
            imported.fields[name] = _read_ged_date(text)

    return read


def _read_deaths_by_side(name: str) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        read_count(text)  # refuses what is not a count; the text itself is kept
        keep(name)(imported, text)

    return read


def _read_fatalities(name: str) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        imported.fields[name] = read_count(text)

    return read


def fitted_estimates(low: int | None, best: int | None, high: int | None) -> tuple:
    """Low, best and high made to satisfy low ≤ best ≤ high, as Tessera requires.

    A few GED rows break the order (best 16, high 2); best is the sum of the deaths by side,
    so it is trusted and the range widened around it.
    """
    if best is not None:
        low = min(low, best) if low is not None else None
        high = max(high, best) if high is not None else None
    return low, best, high


def _read_high(imported: ImportedIncident, text: str) -> None:
    imported.fields["fatalities_high"] = read_count(text)
    # low and best come before high in GED's order.
    given = tuple(imported.fields.get(name) for name in ESTIMATES.values())
    fitted = fitted_estimates(*given)
    if fitted != given:
        # The file's own numbers, for the export to give back.
        imported.dataset_fields.update(
            (column, "" if value is None else str(value))
            for column, value in zip(ESTIMATES, given, strict=True)
        )
        imported.fields.update(zip(ESTIMATES.values(), fitted, strict=True))


# -- writing cells --------------------------------------------------------------------------


def is_from_ged(incident: Incident) -> bool:
    return incident.dataset == DATASET


def _from_file(name: str, compute: Callable[[Incident], object] | None = None):
    """The file's value for incidents imported from GED, else what Tessera can compute."""

    def value(incident: Incident) -> object:
        if is_from_ged(incident):
            return incident.dataset_fields.get(name, "")
        return compute(incident) if compute else ""

    return value


def _kept_column(name: str, compute: Callable[[Incident], object] | None = None) -> Column:
    """A GED column Tessera has no field for: kept on import, given back on export."""
    return Column(name, _from_file(name, compute), keep(name))


def _event_id(incident: Incident) -> str:
    return incident.dataset_event_id if is_from_ged(incident) else incident.public_id


def side_names(incident: Incident, side: str) -> list[str]:
    """The actors on one side: as imported (side A/B), else perpetrators (A), targets (B)."""
    participants = list(related(incident, "participants"))
    if any(row.side for row in participants):
        names = [row.actor.name for row in participants if row.side == side]
    else:
        role = ActorRole.PERPETRATOR if side == Side.A else ActorRole.TARGET
        names = [row.actor.name for row in participants if row.role == role]
    return list(dict.fromkeys(names))


def _side(side: str) -> Callable[[Incident], str]:
    def value(incident: Incident) -> str:
        names = side_names(incident, side)
        kept = incident.dataset_fields.get(f"side_{side.lower()}", "")
        # GED's own text keeps its order, as long as the actors are still the same.
        if is_from_ged(incident) and sorted(split_side(kept)) == sorted(names):
            return kept
        return NATIVE_SIDE_SEPARATOR.join(names)

    return value


def _sources(incident: Incident) -> list:
    return [citation.source for citation in related(incident, "citations")]


def _source_offices(incident: Incident) -> str:
    return SOURCE_SEPARATOR.join(source.publisher for source in _sources(incident))


def _source_dates(incident: Incident) -> str:
    dates = [source.published_at for source in _sources(incident)]
    if not any(dates):
        return ""
    return SOURCE_SEPARATOR.join(date.isoformat() if date else "" for date in dates)


def _source_headlines(incident: Incident) -> str:
    titles = [source.title for source in _sources(incident)]
    return SOURCE_SEPARATOR.join("" if title == NO_HEADLINE else title for title in titles)


def source_article(incident: Incident) -> str:
    """GED's "office,date,headline" per source, for incidents entered in Tessera."""
    return SOURCE_SEPARATOR.join(
        f'"{source.publisher},{source.published_at or ""},{source.title}"'
        for source in _sources(incident)
    )


def _year(incident: Incident) -> int:
    return incident.date_start.year


def _number(value: float) -> str:
    return repr(value).removesuffix(".0")


def geom_wkt(incident: Incident) -> str:
    place = incident.location
    return f"POINT ({_number(place.longitude)} {_number(place.latitude)})"


def priogrid_gid(incident: Incident) -> int:
    """The PRIO-GRID cell (half a degree, numbered row by row from 90°S, 180°W, from 1)."""
    row = min(math.floor((incident.location.latitude + 90) * 2), 359)
    column = min(math.floor((incident.location.longitude + 180) * 2), 719)
    return row * 720 + column + 1


def _country(incident: Incident) -> str:
    kept = incident.dataset_fields.get("country", "") if is_from_ged(incident) else ""
    if kept and country_code(kept) == incident.location.country:
        return kept
    country = pycountry.countries.get(alpha_3=incident.location.country)
    return getattr(country, "common_name", None) or gazetteer.country_name(
        incident.location.country
    )


def _adm_1(incident: Incident) -> str:
    kept = incident.dataset_fields.get("adm_1", "") if is_from_ged(incident) else ""
    place = incident.location
    if kept and admin1_code(place.country, kept) in ("", place.admin1):
        return kept
    return gazetteer.admin1_name(place.admin1)


def _estimate(column: str) -> Callable[[Incident], int | str | None]:
    def value(incident: Incident) -> int | str | None:
        current = tuple(getattr(incident, field) for field in ESTIMATES.values())
        kept = incident.dataset_fields.get(column) if is_from_ged(incident) else None
        if kept is not None:
            given = tuple(read_count(incident.dataset_fields.get(c, "")) for c in ESTIMATES)
            # Only while nobody has changed the numbers Tessera fitted.
            if fitted_estimates(*given) == current:
                return kept
        return getattr(incident, ESTIMATES[column])

    return value


def _event_clarity(incident: Incident) -> int:
    return 2 if incident.confidence in LOW_CLARITY_CONFIDENCES else 1


def _date_prec(incident: Incident) -> int | None:
    return DATE_PREC_CODES.get(incident.date_precision)


def _field(
    name: str, field: str, read: Callable[[ImportedIncident, str], None], export=None
) -> Column:
    return Column(name, export or (lambda incident: getattr(incident, field)), read, field=field)


def _place_column(name: str, part: str, read: Callable[[ImportedIncident, str], None]) -> Column:
    return Column(name, lambda incident: getattr(incident.location, part), read, field="location")


COLUMNS = [
    Column("id", _event_id, _read_id, field="dataset_event_id"),
    _kept_column("year", _year),
    _kept_column("active_year"),
    _field("type_of_violence", "violence_type", _read_violence_type),
    _kept_column("conflict_new_id"),
    _kept_column("conflict_name"),
    _kept_column("dyad_new_id"),
    _kept_column("dyad_name"),
    _kept_column("side_a_new_id"),
    Column("side_a", _side(Side.A), _read_side(Side.A), field="actors"),
    _kept_column("side_b_new_id"),
    _kept_column("gwnob"),
    Column("side_b", _side(Side.B), _read_side(Side.B), field="actors"),
    _kept_column("number_of_sources", lambda incident: len(_sources(incident))),
    _kept_column("source_article", source_article),
    Column("source_office", _source_offices, _read_offices, field="sources"),
    Column("source_date", _source_dates, _read_source_dates, field="sources"),
    Column("source_headline", _source_headlines, _read_headlines, field="sources"),
    _kept_column("source_original"),
    _field("where_prec", "geo_precision", _read_where_prec),
    _place_column("where_coordinates", "name", _read_where),
    Column("adm_1", _adm_1, _read_adm_1, field="location"),
    _place_column("adm_2", "admin2", _read_adm_2),
    _place_column("latitude", "latitude", _read_coordinate("latitude", 90)),
    _place_column("longitude", "longitude", _read_coordinate("longitude", 180)),
    _kept_column("geom_wkt", geom_wkt),
    _kept_column("priogrid_gid", priogrid_gid),
    Column("country", _country, _read_country, field="location"),
    _kept_column("country_id"),
    _kept_column("region"),
    Column(
        "event_clarity",
        _from_file("event_clarity", _event_clarity),
        _read_event_clarity,
        field="confidence",
    ),
    _field("date_prec", "date_precision", _read_date_prec, _date_prec),
    _field("date_start", "date_start", _read_date("date_start")),
    _field("date_end", "date_end", _read_date("date_end", required=False)),
    *(
        Column(name, _from_file(name), _read_deaths_by_side(name))
        for name in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
    ),
    _field("low", "fatalities_low", _read_fatalities("fatalities_low"), _estimate("low")),
    _field("best", "fatalities_best", _read_fatalities("fatalities_best"), _estimate("best")),
    _field("high", "fatalities_high", _read_high, _estimate("high")),
]


def with_deaths(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """What GED can hold: at least one death in the highest estimate given."""
    most = Coalesce("fatalities_high", "fatalities_best", "fatalities_low")
    return incidents.alias(ged_most_deaths=most).filter(ged_most_deaths__gte=1)


UCDP = Preset(
    name="ucdp",
    description="UCDP GED's columns and codes.",
    columns=COLUMNS,
    dataset=DATASET,
    scope=with_deaths,
    scope_note="UCDP GED holds only events with at least one death in the high estimate, so "
    "incidents without are left out; include_all=1 (or --include-all) keeps them.",
)
