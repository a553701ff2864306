"""ACLED's layout: the columns of ACLED's public export, for export and import.

Each column gives its Python writer, its SQL (for COPY) and its reader; ACLED's codes are in
csvio.layouts.acled_codes, who fills actor1 and actor2 in csvio.layouts.acled_actors. Each
mapping, and what the layout cannot carry, is explained in docs/csv/acled.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from operator import attrgetter

from csvio.layouts.acled_actors import (
    CIVILIAN_TARGETING,
    INTERACTION,
    associated_actors_column,
    attribution_tags,
    attribution_tags_sql,
    inter_column,
    main_actor_column,
    read_attribution_tags,
)
from csvio.layouts.acled_codes import (
    DATASET,
    DATE_PRECISION,
    DEMONSTRATIONS,
    DISRUPTED,
    GEO_PRECISION,
    REGION_OF,
    SEPARATOR,
    TIME_PRECISION,
    VIOLENT_DEMONSTRATIONS,
    split,
)
from csvio.layouts.acled_places import (
    ADMIN1,
    ADMIN2,
    ADMIN3,
    COUNTRY,
    ISO,
    LATITUDE,
    LOCATION_NAME,
    LONGITUDE,
    REGION,
    kept_column,
)
from csvio.layouts.base import (
    CellError,
    CitationSpec,
    Column,
    ImportedIncident,
    Preset,
    SourceSpec,
    publisher_of,
    related,
)
from csvio.layouts.cells import read_count
from csvio.layouts.sql import CellQuery, Join
from csvio.sql_cells import date, mapped, text
from incidents.models import Citation, Incident, Source, Tag
from incidents.taxonomy import Confidence, GeoPrecision

__all__ = ["ACLED", "COLUMNS", "DATASET", "DISRUPTED", "REGION_OF", "read_event_date"]


def disorder_type(incident: Incident) -> str:
    if incident.event_type == "Strategic developments":
        return "Strategic developments"
    if incident.sub_event_type in VIOLENT_DEMONSTRATIONS:
        return "Political violence; Demonstrations"
    if incident.sub_event_type in DEMONSTRATIONS:
        return "Demonstrations"
    return "Political violence"


def _disorder_type_sql(query: CellQuery) -> str:
    violent = query.literals(sorted(VIOLENT_DEMONSTRATIONS))
    demonstrations = query.literals(sorted(DEMONSTRATIONS))
    return (
        "CASE WHEN i.event_type = 'Strategic developments' THEN 'Strategic developments' "
        f"WHEN i.sub_event_type IN ({violent}) THEN 'Political violence; Demonstrations' "
        f"WHEN i.sub_event_type IN ({demonstrations}) THEN 'Demonstrations' "
        "ELSE 'Political violence' END"
    )


def _publishers_sql(query: CellQuery) -> str:
    """_publishers: each publisher once, in the order first cited."""
    return f"""LEFT JOIN LATERAL (
  SELECT string_agg(f.publisher, {query.literal(SEPARATOR)} ORDER BY f.first) AS publishers
  FROM (
    SELECT s.publisher, min(c.id) AS first
    FROM {Citation._meta.db_table} AS c JOIN {Source._meta.db_table} AS s ON s.id = c.source_id
    WHERE c.incident_id = i.id GROUP BY s.publisher
  ) AS f
) AS c ON true"""


def _tags_sql(query: CellQuery) -> str:
    return f"""LEFT JOIN LATERAL (
  SELECT string_agg(tg.name, {query.literal(SEPARATOR)} ORDER BY tg.name) AS tags
  FROM {Incident.tags.through._meta.db_table} AS it
  JOIN {Tag._meta.db_table} AS tg ON tg.id = it.tag_id
  WHERE it.incident_id = i.id
) AS t ON true"""


PUBLISHERS = Join("c", _publishers_sql)
TAGS = Join("t", _tags_sql)


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


def _read_geo_precision(imported: ImportedIncident, text: str) -> None:
    if not text.isdigit() or int(text) not in GEO_PRECISION:
        raise CellError(f"“{text}” is not an ACLED geo precision (1, 2 or 3).")
    imported.fields["geo_precision"] = GEO_PRECISION[int(text)]


# -- sources, notes, the rest --------------------------------------------------------------


def _publishers(incident: Incident) -> str:
    return SEPARATOR.join(
        dict.fromkeys(publisher_of(c.source) for c in related(incident, "citations"))
    )


def _read_sources(imported: ImportedIncident, text: str) -> None:
    for publisher in split(text):
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
    """The incident's tags, then the attributions ACLED has no column for (acled_actors)."""
    tags = [tag.name for tag in related(incident, "tags")]
    return SEPARATOR.join([*tags, *attribution_tags(incident)])


def _tags_cell_sql(query: CellQuery) -> str:
    attributions = attribution_tags_sql(query)
    return text(f"concat_ws({query.literal(SEPARATOR)}, {query.join(TAGS)}.tags, {attributions})")


def _read_tags(imported: ImportedIncident, text: str) -> None:
    # The actor columns come before tags: their attributions are among the tags.
    imported.tags = read_attribution_tags(imported, split(text))
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


def _event_id_sql(query: CellQuery) -> str:
    return text(
        f"CASE WHEN i.dataset = {query.literal(DATASET)} AND i.dataset_event_id <> '' "
        "THEN i.dataset_event_id ELSE i.public_id END"
    )


def _set(field_name: str) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        imported.fields[field_name] = text

    return read


COLUMNS = [
    Column(
        "event_id_cnty",
        _event_id,
        _read_event_id,
        field="dataset_event_id",
        sql=_event_id_sql,
        ids=True,
    ),
    Column(
        "event_date",
        attrgetter("date_start"),
        _read_date,
        field="date_start",
        sql=lambda q: date("i.date_start"),
    ),
    Column(
        "year",
        lambda i: i.date_start.year,
        _read_year,
        sql=lambda q: "extract(year FROM i.date_start)::int",
    ),
    Column(
        "time_precision",
        lambda i: TIME_PRECISION.get(i.date_precision),
        _read_time_precision,
        field="date_precision",
        sql=lambda q: mapped(
            "i.date_precision", {str(k): v for k, v in TIME_PRECISION.items()}, q.literal
        ),
    ),
    Column("disorder_type", disorder_type, optional=True, sql=_disorder_type_sql),
    Column(
        "event_type",
        attrgetter("event_type"),
        _set("event_type"),
        field="event_type",
        sql=lambda q: text("i.event_type"),
    ),
    Column(
        "sub_event_type",
        attrgetter("sub_event_type"),
        _set("sub_event_type"),
        field="sub_event_type",
        sql=lambda q: text("i.sub_event_type"),
    ),
    main_actor_column(1, field="actors"),
    associated_actors_column(1),
    inter_column(1),
    main_actor_column(2),
    associated_actors_column(2),
    inter_column(2),
    INTERACTION,
    CIVILIAN_TARGETING,
    ISO,
    REGION,
    COUNTRY,
    ADMIN1,
    ADMIN2,
    ADMIN3,
    LOCATION_NAME,
    LATITUDE,
    LONGITUDE,
    Column(
        "geo_precision",
        lambda i: GeoPrecision(i.geo_precision).acled,
        _read_geo_precision,
        field="geo_precision",
        sql=lambda q: mapped("i.geo_precision", {int(p): p.acled for p in GeoPrecision}, q.literal),
    ),
    Column(
        "source",
        _publishers,
        _read_sources,
        field="sources",
        sql=lambda q: text(f"{q.join(PUBLISHERS)}.publishers"),
    ),
    kept_column("source_scale"),
    Column(
        "notes",
        attrgetter("summary"),
        _read_notes,
        field="summary",
        sql=lambda q: text("i.summary"),
    ),
    Column(
        "fatalities",
        attrgetter("fatalities_best"),
        _read_fatalities,
        field="fatalities_best",
        sql=lambda q: "i.fatalities_best",
    ),
    Column(
        "tags",
        _tags,
        _read_tags,
        field="tags",
        optional=True,
        sql=_tags_cell_sql,
    ),
    Column(
        "timestamp",
        _timestamp,
        _complete_row,
        sql=lambda q: "trunc(extract(epoch FROM i.updated_at))::bigint",
        rewritten=True,
    ),
]

ACLED = Preset(
    name="acled",
    label="ACLED",
    description="ACLED's columns and codes: one row per event, actors as actor1/actor2 with "
    "inter codes, sources as publisher names.",
    columns=COLUMNS,
    dataset=DATASET,
)
