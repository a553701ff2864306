"""UCDP GED's layout: its columns, in its order, with its codes.

GED describes an event by a dyad (side A against side B), a place, dates with a precision
code and death counts by side. Columns that map to an Incident field are read into it and
written from it; the others (conflict and dyad ids, deaths by side, the source article) are
kept in `Incident.dataset_fields` as the file gave them, so an export gives them back. For
incidents entered in Tessera, what can be computed is computed and the rest left empty.

Each column gives its Python writer, its SQL (for COPY) and its reader. GED's codes and the
kept values are in csvio.layouts.ucdp_codes; the sides, the place and the sources are
written and read in ucdp_actors, ucdp_places and ucdp_sources. The full mapping, with its
limits, is in docs/csv/ucdp.md.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from core.models import field_of
from csvio.layouts.base import CellError, Column, ImportedIncident, Preset
from csvio.layouts.cells import keep, read_count
from csvio.layouts.sql import CellQuery, Join, Uncopyable
from csvio.layouts.ucdp_actors import side_column
from csvio.layouts.ucdp_codes import (
    DATASET,
    DATE_PREC_CODES,
    DATE_PRECISIONS,
    ESTIMATES,
    EVENT_TYPES,
    GED,
    LOW_CLARITY,
    LOW_CLARITY_CONFIDENCES,
    NO_HEADLINE,
    code,
    fitted_estimates,
    from_file,
    from_file_sql,
    is_from_ged,
    kept_column,
    kept_sql,
    kept_unwritable,
    kept_values,
    read_ged_date,
)
from csvio.layouts.ucdp_places import (
    ADM_1,
    ADM_2,
    COUNTRY,
    GEOM_WKT,
    LATITUDE,
    LONGITUDE,
    PRIOGRID_GID,
    WHERE_COORDINATES,
)
from csvio.layouts.ucdp_sources import (
    NUMBER_OF_SOURCES,
    SOURCE_ARTICLE,
    SOURCE_DATE,
    SOURCE_HEADLINE,
    SOURCE_OFFICE,
)
from csvio.sql_cells import field_cell, mapped, text
from incidents.models import Incident
from incidents.taxonomy import Confidence, GeoPrecision, Side, Status, ViolenceType

__all__ = ["COLUMNS", "DATASET", "NO_HEADLINE", "UCDP", "with_deaths"]


# -- reading cells --------------------------------------------------------------------------


def _read_id(imported: ImportedIncident, text: str) -> None:
    if not text:
        raise CellError("Every GED event has an id; without it a re-import would duplicate.")
    imported.event_id = text
    # What every GED row has in common: GED publishes coded, reviewed events.
    imported.fields["status"] = Status.PUBLISHED


def _read_violence_type(imported: ImportedIncident, text: str) -> None:
    if not text:
        raise CellError(
            "Empty: every GED event is coded 1, 2 or 3, and the type gives the event type. An "
            "export with include_all writes incidents that have no UCDP type of violence with "
            "this cell empty; import those in the native layout."
        )
    violence_type = code(text, ViolenceType, "type_of_violence")
    event_type, sub_event_type = EVENT_TYPES[violence_type]
    imported.fields.update(
        violence_type=violence_type, event_type=event_type, sub_event_type=sub_event_type
    )


def _read_where_prec(imported: ImportedIncident, text: str) -> None:
    imported.fields["geo_precision"] = code(text, GeoPrecision, "where_prec")


def _read_event_clarity(imported: ImportedIncident, text: str) -> None:
    if text:
        code(text, {1: "high", 2: "low"}, "event_clarity")
        keep("event_clarity")(imported, text)
    imported.fields["confidence"] = (
        Confidence.CONTESTED if text == LOW_CLARITY else Confidence.LIKELY
    )


def _read_date_prec(imported: ImportedIncident, text: str) -> None:
    imported.fields["date_precision"] = DATE_PRECISIONS[code(text, DATE_PRECISIONS, "date_prec")]


def _read_date(name: str, *, required: bool = True) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        if text or required:  # an empty end date means one day
            imported.fields[name] = read_ged_date(text)

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


def _event_id(incident: Incident) -> str:
    return incident.dataset_event_id if is_from_ged(incident) else incident.public_id


def _year(incident: Incident) -> int:
    return incident.date_start.year


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


# -- the same in SQL ------------------------------------------------------------------------


def _estimates_common(query: CellQuery) -> str:
    """Each kept estimate read as a count; Uncopyable when Python cannot read one."""
    given = {""} | {
        value for *_, low, best, high in query.once(kept_values) for value in (low, best, high)
    }
    try:
        counts = {value: read_count(value) for value in sorted(given - {None})}
    except CellError as error:
        raise Uncopyable(str(error)) from error
    rows = ", ".join(f"({query.literals(pair)})" for pair in counts.items())
    return f"estimates(text, count) AS (VALUES {rows})"


def _estimates_sql(query: CellQuery) -> str:
    return "\n".join(
        f"LEFT JOIN estimates AS e_{name} ON e_{name}.text = COALESCE({kept_sql(query, name)}, '')"
        for name in ESTIMATES
    )


# e_low, e_best, e_high: each kept estimate as a count.
KEPT_ESTIMATES = Join("e", _estimates_sql, needs=(GED,), common=_estimates_common)


def _estimate_sql(column: str) -> Callable[[CellQuery], str]:
    """_estimate: the file's number while the fitted ones are still the record's."""

    def sql(query: CellQuery) -> str:
        query.join(KEPT_ESTIMATES)
        low, best, high = (f"e_{name}.count::int" for name in ESTIMATES)
        fitted = (
            f"ROW(CASE WHEN {best} IS NULL OR {low} IS NULL THEN {low} "
            f"ELSE LEAST({low}, {best}) END, {best}, "
            f"CASE WHEN {best} IS NULL OR {high} IS NULL THEN {high} "
            f"ELSE GREATEST({high}, {best}) END)"
        )
        current = "ROW(" + ", ".join(f"i.{field}" for field in ESTIMATES.values()) + ")"
        kept = kept_sql(query, column)
        return (
            f"CASE WHEN {kept} IS NOT NULL AND {fitted} IS NOT DISTINCT FROM {current} "
            f"THEN {text(kept)} ELSE (i.{ESTIMATES[column]})::text END"
        )

    return sql


def _event_clarity_sql(query: CellQuery) -> str:
    low_clarity = query.literals([str(value) for value in LOW_CLARITY_CONFIDENCES])
    return f"CASE WHEN i.confidence IN ({low_clarity}) THEN '2' ELSE '1' END"


# -- the columns ----------------------------------------------------------------------------


def _field(name: str, field: str, read, export=None, sql=None, **options) -> Column:
    """A column holding an Incident field: as it is unless `export` (in SQL `sql`) says."""
    model_field = field_of(Incident, field)
    return Column(
        name,
        export or (lambda incident: getattr(incident, field)),
        read,
        field=field,
        sql=sql or (lambda q: field_cell(model_field, f"i.{model_field.column}")),
        **options,
    )


def _estimate_column(name: str, read) -> Column:
    """low, best or high: GED's own number while Tessera's fitted ones stand."""
    return _field(
        name,
        ESTIMATES[name],
        read,
        _estimate(name),
        _estimate_sql(name),
        sql_unwritable=kept_unwritable(*ESTIMATES),
    )


COLUMNS = [
    Column(
        "id",
        _event_id,
        _read_id,
        field="dataset_event_id",
        sql=lambda q: text(
            f"CASE WHEN {q.join(GED)}.ged THEN i.dataset_event_id ELSE i.public_id END"
        ),
        ids=True,
    ),
    kept_column("year", _year, lambda q: "extract(year FROM i.date_start)::int::text"),
    kept_column("active_year"),
    _field("type_of_violence", "violence_type", _read_violence_type),
    kept_column("conflict_new_id"),
    kept_column("conflict_name"),
    kept_column("dyad_new_id"),
    kept_column("dyad_name"),
    kept_column("side_a_new_id"),
    side_column(Side.A),
    kept_column("side_b_new_id"),
    kept_column("gwnob"),
    side_column(Side.B),
    NUMBER_OF_SOURCES,
    SOURCE_ARTICLE,
    SOURCE_OFFICE,
    SOURCE_DATE,
    SOURCE_HEADLINE,
    kept_column("source_original"),
    _field("where_prec", "geo_precision", _read_where_prec),
    WHERE_COORDINATES,
    ADM_1,
    ADM_2,
    LATITUDE,
    LONGITUDE,
    GEOM_WKT,
    PRIOGRID_GID,
    COUNTRY,
    kept_column("country_id"),
    kept_column("region"),
    Column(
        "event_clarity",
        from_file("event_clarity", _event_clarity),
        _read_event_clarity,
        field="confidence",
        sql=from_file_sql("event_clarity", _event_clarity_sql),
        sql_unwritable=kept_unwritable("event_clarity"),
    ),
    _field(
        "date_prec",
        "date_precision",
        _read_date_prec,
        _date_prec,
        lambda q: mapped(
            "i.date_precision", {str(p): c for p, c in DATE_PREC_CODES.items()}, q.literal
        ),
    ),
    _field("date_start", "date_start", _read_date("date_start")),
    _field("date_end", "date_end", _read_date("date_end", required=False)),
    *(
        Column(
            name,
            from_file(name),
            _read_deaths_by_side(name),
            sql=from_file_sql(name),
            sql_unwritable=kept_unwritable(name),
        )
        for name in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
    ),
    _estimate_column("low", _read_fatalities("fatalities_low")),
    _estimate_column("best", _read_fatalities("fatalities_best")),
    _estimate_column("high", _read_high),
]


def with_deaths(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """What GED can hold: organised violence (a UCDP type of violence) with at least one death
    in the highest estimate given."""
    most = Coalesce("fatalities_high", "fatalities_best", "fatalities_low")
    return incidents.alias(ged_most_deaths=most).filter(
        ged_most_deaths__gte=1, violence_type__isnull=False
    )


UCDP = Preset(
    name="ucdp",
    label="UCDP GED",
    description="UCDP GED's columns and codes.",
    columns=COLUMNS,
    dataset=DATASET,
    scope=with_deaths,
    scope_note="UCDP GED holds only organised violence (a UCDP type of violence) with at least "
    "one death in the high estimate, so other incidents are left out; include_all=1 (or "
    "--include-all) keeps them.",
)
