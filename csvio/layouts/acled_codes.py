"""ACLED's vocabularies and code tables: precision codes, actor types, regions, country
and admin-1 names, country numbers, and how its cells list several names.

Read by the ACLED layout's columns (csvio.layouts.acled) in Python and written into their SQL.
"""

from __future__ import annotations

from functools import cache

import pycountry

from csvio.layouts.cells import ascii_folded, fold
from geo import gazetteer
from incidents.taxonomy import DatePrecision, GeoPrecision

DATASET = "acled"
SEPARATOR = "; "
DISRUPTED = "Disrupted weapons use"

# Keyed by DatePrecision values, as Incident.date_precision holds them.
TIME_PRECISION: dict[str, int] = {
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

# Where ACLED's admin-1 name is not ISO 3166-2's name in ASCII, by ISO 3166-2 code: ACLED
# writes English names in its own transliteration (docs/csv/acled.md lists the sources).
ADMIN1_NAMES = {
    "SY-DI": "Damascus",
    "SY-DY": "Deir ez Zor",
    "SY-HA": "Al Hasakeh",
    "SY-HI": "Homs",
    "SY-HL": "Aleppo",
    "SY-HM": "Hama",
    "SY-LA": "Lattakia",
    "SY-RA": "Ar Raqqa",
    "SY-RD": "Rural Damascus",
}


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


@cache
def admin1_name(code: str) -> str:
    """ACLED's name of an ISO 3166-2 admin-1 area: its own where the table has one, else
    ISO's name in ASCII ("Al Anbār" → "Al Anbar"); "" for no area."""
    if not code:
        return ""
    return ADMIN1_NAMES.get(code) or ascii_folded(gazetteer.admin1_name(code))


@cache
def admin1_code(country: str, name: str) -> str:
    """The ISO 3166-2 code of `country`'s admin-1 area called `name` in ACLED's spelling or in
    ISO's, ignoring case and accents; "" if none is.

    Remembered: a file names the same few areas over and over, and each lookup folds every
    area name of the country.
    """
    wanted = fold(name)
    if not wanted or not country:
        return ""
    areas = gazetteer.admin1_areas(country)
    for names in (ADMIN1_NAMES, areas):
        found = next((code for code in areas if fold(names.get(code, "")) == wanted), "")
        if found:
            return found
    return ""


def split(text: str) -> list[str]:
    """The names of a "; "-separated cell, once each, in their order."""
    return list(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))
