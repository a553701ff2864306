"""Where an ACLED event happened (iso, region, country, admin1–3, location, coordinates),
and the columns Tessera keeps as an ACLED file gave them: written in Python and in SQL, read
back into the place of an imported row.

Names are written as ACLED writes them: ACLED's rows give back the names their file gave;
for other incidents, admin-1 areas take ACLED's names (acled_codes.admin1_name) and the
place's own names are written in ASCII.
"""

from __future__ import annotations

from collections.abc import Callable

import pycountry

from core.models import field_of
from csvio.layouts.acled_codes import (
    COUNTRY_CODES,
    DATASET,
    REGION_OF,
    admin1_code,
    admin1_name,
    country_name,
    country_number,
)
from csvio.layouts.base import CellError, Column, ImportedIncident, PlaceSpec, ignore
from csvio.layouts.cells import ascii_folded, fold, keep, read_float
from csvio.layouts.sql import LOCATION, CellQuery, Join
from csvio.sql_cells import field_cell, not_text, text
from geo.models import Location
from incidents.models import Incident


def _kept(incident: Incident, column: str) -> str:
    """A column Tessera has no field for, as an ACLED file gave it (Incident.dataset_fields)."""
    return incident.dataset_fields.get(column, "") if incident.dataset == DATASET else ""


def _kept_sql(query: CellQuery, column: str) -> str:
    dataset = query.literal(DATASET)
    return f"CASE WHEN i.dataset = {dataset} THEN i.dataset_fields ->> '{column}' END"


def _kept_unwritable(column: str) -> Callable[[CellQuery], str]:
    """ACLED rows that keep `column` as something other than text: SQL would not write it
    as str() does."""
    return lambda q: (
        f"i.dataset = {q.literal(DATASET)} AND (jsonb_typeof(i.dataset_fields) <> 'object' "
        f"OR {not_text(f'i.dataset_fields -> {column!r}')})"
    )


def kept_column(name: str) -> Column:
    """A column Tessera has no field for: kept on import, given back on export."""
    return Column(
        name,
        lambda incident: _kept(incident, name),
        keep(name),
        sql=lambda q: text(_kept_sql(q, name)),
        sql_unwritable=_kept_unwritable(name),
    )


# -- what the columns' SQL reads beside the incident row ---------------------------------


def _places(query: CellQuery) -> list[tuple[str, str]]:
    """Every (country, admin-1 code) of a place."""
    return list(Location.objects.order_by().values_list("country", "admin1").distinct())


def _countries_sql(query: CellQuery) -> str:
    """What country_number, REGION_OF and country_name give for each country of a place."""
    codes = sorted({country for country, _ in query.once(_places)} | {""})
    rows = ", ".join(
        f"({query.literals([code, country_number(code), REGION_OF.get(code, '')])}, "
        f"{query.literal(country_name(code))})"
        for code in codes
    )
    return f"LEFT JOIN (VALUES {rows}) AS k(code, iso, region, country) ON k.code = l.country"


def _areas_sql(query: CellQuery) -> str:
    """ACLED's name of each admin-1 code of a place."""
    codes = sorted({admin1 for _, admin1 in query.once(_places)} | {""})
    rows = ", ".join(f"({query.literals([code, admin1_name(code)])})" for code in codes)
    return f"LEFT JOIN (VALUES {rows}) AS r(code, name) ON r.code = l.admin1"


# Any character outside printable ASCII (the names ascii_folded may change, and a few more).
NOT_PRINTABLE_ASCII = "[^ -~]"


def _ascii_names_common(query: CellQuery) -> str:
    """ascii_folded of each place name and admin-2 name that is not plain ASCII."""
    places = Location.objects.order_by()
    names = {""}
    for part in ("name", "admin2"):
        names.update(
            places.filter(**{f"{part}__regex": NOT_PRINTABLE_ASCII})
            .values_list(part, flat=True)
            .distinct()
        )
    rows = ", ".join(f"({query.literals([name, ascii_folded(name)])})" for name in sorted(names))
    return f"ascii_names(name, ascii) AS (VALUES {rows})"


def _ascii_names_sql(query: CellQuery) -> str:
    return "\n".join(
        f"LEFT JOIN ascii_names AS n_{part} ON n_{part}.name = l.{part}"
        for part in ("name", "admin2")
    )


COUNTRIES = Join("k", _countries_sql, needs=(LOCATION,))
AREAS = Join("r", _areas_sql, needs=(LOCATION,))
# n_name, n_admin2: the place's name and admin-2 name in ASCII, when they are not.
ASCII_NAMES = Join("n", _ascii_names_sql, needs=(LOCATION,), common=_ascii_names_common)


# -- reading and writing the place ----------------------------------------------------------


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
    if text:  # the file's spelling, given back on export
        imported.dataset_fields["admin1"] = text


def _admin1(incident: Incident) -> str:
    return _kept(incident, "admin1") or admin1_name(incident.location.admin1)


def _place_name(incident: Incident, part: str) -> str:
    """The place's name or admin-2 name: as ACLED gave it for ACLED's rows, else in ASCII."""
    name = getattr(incident.location, part)
    return name if incident.dataset == DATASET else ascii_folded(name)


def _read_admin2(imported: ImportedIncident, text: str) -> None:
    _place(imported).admin2 = text
    if text:  # a place that exists keeps its own; the file's is given back on export
        imported.dataset_fields["admin2"] = text


def _admin2(incident: Incident) -> str:
    return _kept(incident, "admin2") or _place_name(incident, "admin2")


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


def _place_column(name: str, part: str, read, **options) -> Column:
    """A column holding one field (`part`) of the incident's place."""
    model_field = field_of(Location, part)
    return Column(
        name,
        lambda incident: getattr(incident.location, part),
        read,
        sql=lambda q: field_cell(model_field, f"{q.join(LOCATION)}.{part}"),
        **options,
    )


def _admin1_sql(query: CellQuery) -> str:
    return text(f"COALESCE(NULLIF({_kept_sql(query, 'admin1')}, ''), {query.join(AREAS)}.name)")


def _place_name_sql(query: CellQuery, part: str) -> str:
    """_place_name: the place's `part` as it is for ACLED's rows, else in ASCII."""
    place = query.join(LOCATION)
    query.join(ASCII_NAMES)
    return (
        f"CASE WHEN i.dataset = {query.literal(DATASET)} THEN {place}.{part} "
        f"ELSE COALESCE(n_{part}.ascii, {place}.{part}) END"
    )


def _admin2_sql(query: CellQuery) -> str:
    kept = _kept_sql(query, "admin2")
    return text(f"COALESCE(NULLIF({kept}, ''), {_place_name_sql(query, 'admin2')})")


def _country_column(name: str, value, read=ignore, cell=text) -> Column:
    """What ACLED says of the place's country, `name` in the COUNTRIES table too."""
    return Column(name, value, read, sql=lambda q: cell(f"{q.join(COUNTRIES)}.{name}"))


ISO = _country_column(
    "iso", lambda i: country_number(i.location.country), _read_iso, cell=lambda iso: iso
)
REGION = _country_column("region", lambda i: REGION_OF.get(i.location.country, ""))
COUNTRY = _country_column("country", lambda i: country_name(i.location.country), _read_country)
ADMIN1 = Column(
    "admin1", _admin1, _read_admin1, sql=_admin1_sql, sql_unwritable=_kept_unwritable("admin1")
)
ADMIN2 = Column(
    "admin2", _admin2, _read_admin2, sql=_admin2_sql, sql_unwritable=_kept_unwritable("admin2")
)
ADMIN3 = kept_column("admin3")
LOCATION_NAME = Column(
    "location",
    lambda incident: _place_name(incident, "name"),
    _read_location,
    field="location",
    sql=lambda q: text(_place_name_sql(q, "name")),
)
LATITUDE = _place_column("latitude", "latitude", _read_coordinate("latitude", 90))
LONGITUDE = _place_column("longitude", "longitude", _read_coordinate("longitude", 180))
