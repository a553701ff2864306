"""Where a GED event happened (where_coordinates, adm_1, adm_2, coordinates, geom_wkt,
priogrid_gid, country): written from the incident's place in Python and in SQL, read back
into the place of an imported row."""

from __future__ import annotations

import math
from collections.abc import Callable

import pycountry

from core.models import field_of
from csvio.layouts.base import CellError, Column, ImportedIncident
from csvio.layouts.cells import keep, read_float
from csvio.layouts.sql import LOCATION, CellQuery, Join
from csvio.layouts.ucdp_codes import (
    DATASET,
    GED,
    admin1_code,
    country_code,
    event_title,
    imported_place,
    is_from_ged,
    kept_column,
    kept_sql,
    kept_unwritable,
    kept_values,
    location_kind,
)
from csvio.sql_cells import field_cell, text
from geo import gazetteer
from geo.models import Location
from incidents.models import Incident


def _read_where(imported: ImportedIncident, text: str) -> None:
    if not text:
        raise CellError("The place (where_coordinates) is required.")
    place = imported_place(imported)
    place.name, place.kind = text, location_kind(text)
    # Both sides come before where_coordinates in GED's order.
    sides = imported.dataset_fields
    side_a, side_b = (sides.get(name, "").strip() for name in ("side_a", "side_b"))
    imported.fields["title"] = event_title(side_a, side_b, text)


def _read_adm_1(imported: ImportedIncident, text: str) -> None:
    # Kept as written: GED's names rarely match ISO 3166-2's (Homs / Ḩimş).
    keep("adm_1")(imported, text)


def _read_adm_2(imported: ImportedIncident, text: str) -> None:
    imported_place(imported).admin2 = text


def _read_coordinate(part: str, limit: int) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        number = read_float(text, part)
        if not -limit <= number <= limit:
            raise CellError(f"{part.capitalize()} must be between -{limit} and {limit} degrees.")
        setattr(imported_place(imported), part, number)

    return read


def _read_country(imported: ImportedIncident, text: str) -> None:
    if not text:
        raise CellError("A country is required.")
    code = country_code(text)
    if not code:
        raise CellError(f"“{text}” is not a country name that ISO 3166 knows.")
    keep("country")(imported, text)
    place = imported_place(imported)
    place.country = code
    # adm_1 comes before country in GED's order.
    place.admin1 = admin1_code(code, imported.dataset_fields.get("adm_1", ""))


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


def _geom_wkt_sql(query: CellQuery) -> str:
    """geom_wkt: repr() without ".0", which is how PostgreSQL writes a float8."""
    place = query.join(LOCATION)
    return f"'POINT (' || {place}.longitude || ' ' || {place}.latitude || ')'"


def _priogrid_sql(query: CellQuery) -> str:
    place = query.join(LOCATION)
    row = f"LEAST(floor(({place}.latitude + 90) * 2), 359)"
    column = f"LEAST(floor(({place}.longitude + 180) * 2), 719)"
    return f"({row} * 720 + {column} + 1)::int::text"


def _stand_in(name: str, kept: str, country: str, admin1: str = "") -> Incident:
    """An incident from GED (unsaved, never written) that kept `kept` as `name`."""
    place = Location(country=country, admin1=admin1)
    return Incident(dataset=DATASET, location=place, dataset_fields={name: kept})


def _countries_sql(query: CellQuery) -> str:
    """_country for each kept country and place's country the incidents have."""
    countries = {("", "")} | {(kept or "", code) for code, _, kept, *_ in query.once(kept_values)}
    rows = ", ".join(
        f"({query.literals([kept, code, _country(_stand_in('country', kept, code))])})"
        for kept, code in sorted(countries)
    )
    return (
        f"LEFT JOIN (VALUES {rows}) AS k(kept, code, cell) "
        f"ON k.kept = COALESCE({kept_sql(query, 'country')}, '') AND k.code = l.country"
    )


def _areas_sql(query: CellQuery) -> str:
    """_adm_1 for each kept adm_1 and place the incidents have."""
    areas = {("", "", "")} | {
        (adm_1 or "", code, admin1) for code, admin1, _, adm_1, *_ in query.once(kept_values)
    }
    rows = ", ".join(
        f"({query.literals([kept, code, admin1, _adm_1(_stand_in('adm_1', kept, code, admin1))])})"
        for kept, code, admin1 in sorted(areas)
    )
    return (
        f"LEFT JOIN (VALUES {rows}) AS r(kept, code, admin1, cell) "
        f"ON r.kept = COALESCE({kept_sql(query, 'adm_1')}, '') "
        "AND r.code = l.country AND r.admin1 = l.admin1"
    )


# The cells GED's kept country and adm_1 give with the place.
COUNTRIES = Join("k", _countries_sql, needs=(LOCATION, GED))
AREAS = Join("r", _areas_sql, needs=(LOCATION, GED))


def _place_column(name: str, part: str, read: Callable[[ImportedIncident, str], None]) -> Column:
    model_field = field_of(Location, part)
    return Column(
        name,
        lambda incident: getattr(incident.location, part),
        read,
        field="location",
        sql=lambda q: field_cell(model_field, f"{q.join(LOCATION)}.{part}"),
    )


WHERE_COORDINATES = _place_column("where_coordinates", "name", _read_where)
ADM_1 = Column(
    "adm_1",
    _adm_1,
    _read_adm_1,
    field="location",
    sql=lambda q: text(f"{q.join(AREAS)}.cell"),
    sql_unwritable=kept_unwritable("adm_1"),
)
ADM_2 = _place_column("adm_2", "admin2", _read_adm_2)
LATITUDE = _place_column("latitude", "latitude", _read_coordinate("latitude", 90))
LONGITUDE = _place_column("longitude", "longitude", _read_coordinate("longitude", 180))
GEOM_WKT = kept_column("geom_wkt", geom_wkt, _geom_wkt_sql)
PRIOGRID_GID = kept_column("priogrid_gid", priogrid_gid, _priogrid_sql)
COUNTRY = Column(
    "country",
    _country,
    _read_country,
    field="location",
    sql=lambda q: text(f"{q.join(COUNTRIES)}.cell"),
    sql_unwritable=kept_unwritable("country"),
)
