"""ACLED's layout: the columns and codes of ACLED's public export, for export and import.

Each mapping, and what the layout cannot carry, is explained in docs/csv/acled.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from operator import attrgetter
from typing import Any

import pycountry

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
from csvio.layouts.cells import admin1_code, fold, keep, read_count, read_float
from geo import gazetteer
from incidents.models import Actor, Incident, IncidentActor
from incidents.taxonomy import ActorRole, ActorType, Confidence, DatePrecision, GeoPrecision

DATASET = "acled"
SEPARATOR = "; "
DISRUPTED = "Disrupted weapons use"

# -- ACLED's vocabularies ----------------------------------------------------------------

TIME_PRECISION = {
    DatePrecision.DAY: 1,
    DatePrecision.DAYS: 2,
    DatePrecision.WEEK: 2,
    DatePrecision.MONTH: 3,
    DatePrecision.YEAR: 3,
}
# ACLED dates a vague event to the middle of its week or month; 2 and 3 say which.
DATE_PRECISION = {1: DatePrecision.DAY, 2: DatePrecision.WEEK, 3: DatePrecision.MONTH}
# ACLED's 3 ("a larger area") is most often a province: Tessera's admin-1.
GEO_PRECISION = {1: GeoPrecision.EXACT, 2: GeoPrecision.NEAR, 3: GeoPrecision.ADMIN1}

# Since 2024 ACLED's files may give actor types as names instead of inter codes.
INTER_NAMES = {
    "state forces": 1,
    "rebel group": 2,
    "political militia": 3,
    "identity militia": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external/other forces": 8,
}

DEMONSTRATIONS = {"Peaceful protest", "Protest with intervention", "Violent demonstration"}
# Force against protesters is both violence and part of a demonstration.
VIOLENT_DEMONSTRATIONS = {"Excessive force against protesters"}

# ACLED's regions, by ISO 3166-1 alpha-3 code.
REGIONS = {
    "Western Africa": "BEN BFA CIV CPV GHA GIN GMB GNB LBR MLI MRT NER NGA SEN SHN SLE TGO",
    "Middle Africa": "AGO CAF CMR COD COG GAB GNQ STP TCD",
    "Eastern Africa": "BDI COM DJI ERI ETH KEN MUS MYT REU RWA SOM SSD SYC TZA UGA",
    "Southern Africa": "BWA LSO MDG MOZ MWI NAM SWZ ZAF ZMB ZWE",
    "Northern Africa": "DZA EGY ESH LBY MAR SDN TUN",
    "Middle East": "ARE BHR IRN IRQ ISR JOR KWT LBN OMN PSE QAT SAU SYR TUR YEM",
    "South Asia": "AFG BGD BTN IND LKA MDV NPL PAK",
    "Southeast Asia": "BRN IDN KHM LAO MMR MYS PHL SGP THA TLS VNM",
    "East Asia": "CHN HKG JPN KOR MAC MNG PRK TWN",
    "Caucasus and Central Asia": "ARM AZE GEO KAZ KGZ TJK TKM UZB",
    "Europe": "ALA ALB AND AUT BEL BGR BIH BLR CHE CYP CZE DEU DNK ESP EST FIN FRA FRO GBR GGY "
    "GIB GRC HRV HUN IMN IRL ISL ITA JEY LIE LTU LUX LVA MCO MDA MKD MLT MNE NLD NOR POL PRT "
    "ROU RUS SJM SMR SRB SVK SVN SWE UKR VAT",
    "North America": "BMU CAN GRL SPM USA",
    "Central America": "BLZ CRI GTM HND MEX NIC PAN SLV",
    "Caribbean": "ABW AIA ATG BES BHS BLM BRB CUB CUW CYM DMA DOM GLP GRD HTI JAM KNA LCA MAF MSR "
    "MTQ PRI SXM TCA TTO VCT VGB VIR",
    "South America": "ARG BOL BRA CHL COL ECU FLK GUF GUY PER PRY SUR URY VEN",
    "Oceania": "ASM AUS COK FJI FSM GUM KIR MHL MNP NCL NFK NIU NRU NZL PCN PLW PNG PYF SLB TKL "
    "TON TUV VUT WLF WSM",
    "Antarctica": "ATA",
}
REGION_OF = {code: region for region, codes in REGIONS.items() for code in codes.split()}

# Where ACLED's country name is not pycountry's common name.
COUNTRY_NAMES = {
    "BRN": "Brunei",
    "CIV": "Ivory Coast",
    "COD": "Democratic Republic of Congo",
    "COG": "Republic of Congo",
    "CPV": "Cape Verde",
    "CZE": "Czech Republic",
    "FSM": "Micronesia",
    "PSE": "Palestine",
    "RUS": "Russia",
    "SWZ": "eSwatini",
    "TLS": "East Timor",
    "TUR": "Turkey",
    "VAT": "Vatican City",
}
COUNTRY_CODES = {fold(name): code for code, name in COUNTRY_NAMES.items()}


@cache
def country_name(alpha_3: str) -> str:
    country = pycountry.countries.get(alpha_3=alpha_3) if alpha_3 else None
    if country is None:
        return ""
    return COUNTRY_NAMES.get(alpha_3) or getattr(country, "common_name", None) or country.name


@cache
def country_number(alpha_3: str) -> int | None:
    country = pycountry.countries.get(alpha_3=alpha_3) if alpha_3 else None
    return int(country.numeric) if country else None


def disorder_type(incident: Incident) -> str:
    if incident.event_type == "Strategic developments":
        return "Strategic developments"
    if incident.sub_event_type in VIOLENT_DEMONSTRATIONS:
        return "Political violence; Demonstrations"
    if incident.sub_event_type in DEMONSTRATIONS:
        return "Demonstrations"
    return "Political violence"


def _kept(incident: Incident, column: str) -> str:
    """A column Tessera has no field for, as an ACLED file gave it (Incident.dataset_fields)."""
    return incident.dataset_fields.get(column, "") if incident.dataset == DATASET else ""


def _split(text: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))


# -- actors --------------------------------------------------------------------------------

# Who fills actor1 (side 1) and actor2 (side 2): the first role in the list that has actors.
# Parties (the sides of a clash, as UCDP records them) stand in when nobody is coded as
# perpetrator or target. On import, side 1 gets the first role of its list, side 2 its own.
SIDES: dict[int, list[tuple[str, str]]] = {
    1: [(ActorRole.PERPETRATOR, ""), (ActorRole.PARTY, "A")],
    2: [(ActorRole.TARGET, ""), (ActorRole.PARTY, "B")],
}
# ACLED codes a disrupted attack with the actor who stopped it (shot down, defused, seized)
# as actor1 and the would-be attacker as actor2. Without an interceptor, the target stopped it.
DISRUPTED_SIDES: dict[int, list[tuple[str, str]]] = {
    1: [(ActorRole.INTERCEPTOR, ""), (ActorRole.TARGET, "")],
    2: [(ActorRole.PERPETRATOR, "")],
}


def _sides(sub_event_type: str) -> dict[int, list[tuple[str, str]]]:
    return DISRUPTED_SIDES if sub_event_type == DISRUPTED else SIDES


def _participants(incident: Incident) -> list[IncidentActor]:
    # In the order they were recorded (the prefetch sorts by role and name): the first
    # perpetrator entered is actor1.
    return sorted(related(incident, "participants"), key=attrgetter("pk"))


def _on_side(row: IncidentActor, role: str, side: str) -> bool:
    if row.role != role:
        return False
    return not side or (row.side == "B") == (side == "B")


def side_actors(incident: Incident, number: int) -> list[Actor]:
    rows = _participants(incident)
    for role, side in _sides(incident.sub_event_type)[number]:
        actors = [row.actor for row in rows if _on_side(row, role, side)]
        if actors:
            return list(dict.fromkeys(actors))
    return []


def _main_actor(number: int) -> Callable[[Incident], str]:
    def value(incident: Incident) -> str:
        actors = side_actors(incident, number)
        return actors[0].name if actors else ""

    return value


def _associated_actors(number: int) -> Callable[[Incident], str]:
    def value(incident: Incident) -> str:
        return SEPARATOR.join(actor.name for actor in side_actors(incident, number)[1:])

    return value


def inter_code(incident: Incident, number: int) -> int | None:
    actors = side_actors(incident, number)
    return actors[0].actor_type if actors else None


def interaction(incident: Incident) -> int | None:
    """ACLED's interaction: both inter codes, lowest first; a sole actor's code then 0."""
    codes = sorted(code for code in (inter_code(incident, 1), inter_code(incident, 2)) if code)
    if not codes:
        return None
    return codes[0] * 10 + (codes[1] if len(codes) > 1 else 0)


def civilian_targeting(incident: Incident) -> str:
    targets = (
        row.actor for row in related(incident, "participants") if row.role == ActorRole.TARGET
    )
    if any(actor.actor_type == ActorType.CIVILIANS for actor in targets):
        return "Civilian targeting"
    return ""


def _import_role(imported: ImportedIncident, number: int) -> str:
    # ACLED's sub_event_type column comes before the actors, so it has been read.
    return _sides(imported.fields.get("sub_event_type", ""))[number][0][0]


def _read_main_actor(number: int) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        if text:
            imported.actors.append(ActorSpec(text, _import_role(imported, number)))

    return read


def _read_associated_actors(number: int) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        role = _import_role(imported, number)
        imported.actors += [ActorSpec(name, role) for name in _split(text)]

    return read


def _inter(text: str) -> int | None:
    if text in ("", "0"):  # older files write 0 for "no second actor"
        return None
    if text.isdigit() and 1 <= int(text) <= 8:
        return int(text)
    if fold(text) in INTER_NAMES:
        return INTER_NAMES[fold(text)]
    raise CellError(f"“{text}” is not an ACLED inter code (1–8) or actor type name.")


def _read_inter(number: int) -> Callable[[ImportedIncident, str], None]:
    """The inter code is the type of every actor of its side that has to be created."""

    def read(imported: ImportedIncident, text: str) -> None:
        code = _inter(text)
        role = _import_role(imported, number)
        actors = [spec for spec in imported.actors if spec.role == role]
        if actors and code is None:
            raise CellError(f"actor{number} is given, so inter{number} is required (1–8).")
        if code and not actors:
            raise CellError(f"inter{number} is {code} but actor{number} is empty.")
        for spec in actors:
            spec.actor_type = code

    return read


# -- dates -----------------------------------------------------------------------------------

OLDER_DATE_FORMATS = ("%d %B %Y", "%d-%B-%Y")


def read_event_date(text: str) -> dt.date:
    """ACLED's YYYY-MM-DD, or the 05 January 2022 / 05-January-2022 of older files."""
    if not text:
        raise CellError("An event date is required (YYYY-MM-DD).")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    for date_format in OLDER_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise CellError(f"“{text}” is not a date (YYYY-MM-DD or 05 January 2022).")


def _read_date(imported: ImportedIncident, text: str) -> None:
    date = read_event_date(text)
    # One day in ACLED; set the end too, or an update would keep the old end date.
    imported.fields["date_start"] = imported.fields["date_end"] = date


def _read_year(imported: ImportedIncident, text: str) -> None:
    date = imported.fields.get("date_start")
    if text and date and text != str(date.year):
        raise CellError(f"The year {text} is not the year of event_date ({date.year}).")


def _read_time_precision(imported: ImportedIncident, text: str) -> None:
    if text:
        if not text.isdigit() or int(text) not in DATE_PRECISION:
            raise CellError(f"“{text}” is not an ACLED time precision (1, 2 or 3).")
        imported.fields["date_precision"] = DATE_PRECISION[int(text)]


# -- place ----------------------------------------------------------------------------------


def _place(imported: ImportedIncident) -> PlaceSpec:
    if imported.location is None:
        imported.location = PlaceSpec(name="", latitude=0.0, longitude=0.0)
    return imported.location


def _read_iso(imported: ImportedIncident, text: str) -> None:
    if text:
        country = pycountry.countries.get(numeric=text.zfill(3)) if text.isdigit() else None
        if country is None:
            raise CellError(f"“{text}” is not a numeric ISO 3166-1 country code.")
        _place(imported).country = country.alpha_3


def _country_code(name: str) -> str:
    if fold(name) in COUNTRY_CODES:
        return COUNTRY_CODES[fold(name)]
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return ""


def _read_country(imported: ImportedIncident, text: str) -> None:
    place = _place(imported)
    if place.country:  # the numeric code already said which
        return
    if not text:
        raise CellError("A country is required (iso or country).")
    place.country = _country_code(text)
    if not place.country:
        raise CellError(f"“{text}” is not a country, and iso gives none.")


def _read_admin1(imported: ImportedIncident, text: str) -> None:
    place = _place(imported)
    place.admin1 = admin1_code(place.country, text)
    if text and not place.admin1:
        imported.dataset_fields["admin1"] = text  # ACLED's spelling, given back on export


def _admin1(incident: Incident) -> str:
    code = incident.location.admin1
    return gazetteer.admin1_name(code) if code else _kept(incident, "admin1")


def _read_admin2(imported: ImportedIncident, text: str) -> None:
    _place(imported).admin2 = text
    if text:  # a place that exists keeps its own; the file's is given back on export
        imported.dataset_fields["admin2"] = text


def _admin2(incident: Incident) -> str:
    return _kept(incident, "admin2") or incident.location.admin2


def _read_location(imported: ImportedIncident, text: str) -> None:
    if not text:
        raise CellError("A location name is required.")
    _place(imported).name = text


def _read_coordinate(part: str, limit: int) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        if not text:
            raise CellError(f"A {part} is required.")
        number = read_float(text, part)
        if not -limit <= number <= limit:
            raise CellError(f"{part.capitalize()} must be between -{limit} and {limit} degrees.")
        setattr(_place(imported), part, number)

    return read


def _read_geo_precision(imported: ImportedIncident, text: str) -> None:
    if not text.isdigit() or int(text) not in GEO_PRECISION:
        raise CellError(f"“{text}” is not an ACLED geo precision (1, 2 or 3).")
    imported.fields["geo_precision"] = GEO_PRECISION[int(text)]


# -- sources, notes, the rest --------------------------------------------------------------


def _publishers(incident: Incident) -> str:
    return SEPARATOR.join(dict.fromkeys(c.source.publisher for c in related(incident, "citations")))


def _read_sources(imported: ImportedIncident, text: str) -> None:
    for publisher in _split(text):
        if len(publisher) > 200:
            raise CellError(f"A source name is at most 200 characters: “{publisher[:40]}…”.")
        source = SourceSpec(title=f"ACLED source: {publisher}", publisher=publisher)
        imported.citations.append(CitationSpec(source, quote=""))  # the notes, once read


def _read_notes(imported: ImportedIncident, text: str) -> None:
    imported.fields["summary"] = text
    for citation in imported.citations:
        citation.quote = text


def _read_fatalities(imported: ImportedIncident, text: str) -> None:
    # ACLED gives one number: it is the low, best and high estimate alike.
    count = read_count(text)
    for estimate in ("fatalities_low", "fatalities_best", "fatalities_high"):
        imported.fields[estimate] = count


def _tags(incident: Incident) -> str:
    return SEPARATOR.join(tag.name for tag in related(incident, "tags"))


def _read_tags(imported: ImportedIncident, text: str) -> None:
    imported.tags = _split(text)
    too_long = [tag for tag in imported.tags if len(tag) > 100]
    if too_long:
        raise CellError(f"A tag is at most 100 characters: “{too_long[0][:40]}…”.")


def _event_id(incident: Incident) -> str:
    if incident.dataset == DATASET and incident.dataset_event_id:
        return incident.dataset_event_id
    return incident.public_id


def _read_event_id(imported: ImportedIncident, text: str) -> None:
    if not text:
        raise CellError("An event id is required: importing the file again updates by it.")
    imported.event_id = text


def _complete_row(imported: ImportedIncident, text: str) -> None:
    """Reads timestamp, ACLED's last column, and completes what needs cells from across the row.

    The timestamp itself is ACLED's; Tessera keeps its own updated_at.
    """
    title = _title(imported)
    imported.fields["title"] = title
    # ACLED does not grade events; one publisher is what Tessera calls a single source.
    imported.fields["confidence"] = (
        Confidence.SINGLE_SOURCE if len(imported.citations) <= 1 else Confidence.LIKELY
    )
    # A citation needs the words it rests on; without notes, the event's own description.
    description = f"ACLED event {imported.event_id}: {title}"
    for citation in imported.citations:
        citation.quote = citation.quote or description


def _title(imported: ImportedIncident) -> str:
    what = imported.fields.get("sub_event_type") or "Event"
    place = imported.location.name if imported.location else ""
    return (f"{what} in {place}" if place else what)[:255]


def _timestamp(incident: Incident) -> int:
    return int(incident.updated_at.timestamp())


def _location(attribute: str) -> Callable[[Incident], Any]:
    return lambda incident: getattr(incident.location, attribute)


def _set(field_name: str) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        imported.fields[field_name] = text

    return read


COLUMNS = [
    Column("event_id_cnty", _event_id, _read_event_id, field="dataset_event_id"),
    Column("event_date", attrgetter("date_start"), _read_date, field="date_start"),
    Column("year", lambda i: i.date_start.year, _read_year),
    Column(
        "time_precision",
        lambda i: TIME_PRECISION.get(i.date_precision),
        _read_time_precision,
        field="date_precision",
    ),
    Column("disorder_type", disorder_type, optional=True),
    Column("event_type", attrgetter("event_type"), _set("event_type"), field="event_type"),
    Column(
        "sub_event_type",
        attrgetter("sub_event_type"),
        _set("sub_event_type"),
        field="sub_event_type",
    ),
    Column("actor1", _main_actor(1), _read_main_actor(1), field="actors"),
    Column("assoc_actor_1", _associated_actors(1), _read_associated_actors(1)),
    Column("inter1", lambda i: inter_code(i, 1), _read_inter(1)),
    Column("actor2", _main_actor(2), _read_main_actor(2)),
    Column("assoc_actor_2", _associated_actors(2), _read_associated_actors(2)),
    Column("inter2", lambda i: inter_code(i, 2), _read_inter(2)),
    Column("interaction", interaction),
    Column("civilian_targeting", civilian_targeting, optional=True),
    Column("iso", lambda i: country_number(i.location.country), _read_iso),
    Column("region", lambda i: REGION_OF.get(i.location.country, "")),
    Column("country", lambda i: country_name(i.location.country), _read_country),
    Column("admin1", _admin1, _read_admin1),
    Column("admin2", _admin2, _read_admin2),
    Column("admin3", lambda i: _kept(i, "admin3"), keep("admin3")),
    Column("location", _location("name"), _read_location, field="location"),
    Column("latitude", _location("latitude"), _read_coordinate("latitude", 90)),
    Column("longitude", _location("longitude"), _read_coordinate("longitude", 180)),
    Column(
        "geo_precision",
        lambda i: GeoPrecision(i.geo_precision).acled,
        _read_geo_precision,
        field="geo_precision",
    ),
    Column("source", _publishers, _read_sources, field="sources"),
    Column("source_scale", lambda i: _kept(i, "source_scale"), keep("source_scale")),
    Column("notes", attrgetter("summary"), _read_notes, field="summary"),
    Column("fatalities", attrgetter("fatalities_best"), _read_fatalities, field="fatalities_best"),
    Column("tags", _tags, _read_tags, field="tags", optional=True),
    Column("timestamp", _timestamp, _complete_row),
]

ACLED = Preset(
    name="acled",
    description="ACLED's columns and codes: one row per event, actors as actor1/actor2 with "
    "inter codes, sources as publisher names.",
    columns=COLUMNS,
    dataset=DATASET,
)
