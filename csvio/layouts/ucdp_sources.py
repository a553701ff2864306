"""GED's source columns (source_office, source_date, source_headline, source_article,
number_of_sources): written from an incident's citations in Python and in SQL, read back into
the citations of an imported row.

The citations are what Tessera keeps of a row's sources, in its own form: without the spaces
around GED's separators ("persons ;57"), without a time in a date. A row whose source cells
are not what its citations write is given its cells as the file wrote them (kept in
Incident.dataset_fields), and its export gives them back, as long as the citations still
write what those cells read into.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from django.db.models import Q

from csvio.layouts.base import (
    CellError,
    CitationSpec,
    Column,
    ImportedIncident,
    SourceSpec,
    publisher_of,
    related,
)
from csvio.layouts.sql import CellQuery, Join
from csvio.layouts.ucdp_codes import (
    DATASET,
    GED,
    NO_HEADLINE,
    SOURCE_SEPARATOR,
    SOURCE_TITLE_LENGTH,
    UNKNOWN_PUBLISHER,
    is_from_ged,
    kept_column,
    kept_sql,
    kept_unwritable,
    read_ged_date,
    shorten,
)
from csvio.sql_cells import date, text
from incidents.models import Citation, Incident, Source

# The cells that are given back as the file wrote them, in GED's order.
SOURCE_CELLS = ("source_office", "source_date", "source_headline")


# A source as the cells describe it: a Source, or a SourceSpec being imported.
Described = Source | SourceSpec


def _read_offices(imported: ImportedIncident, text: str) -> None:
    imported.dataset_fields["source_office"] = text  # until the headlines say it is not needed
    offices = text.split(SOURCE_SEPARATOR) if text.strip() else []
    imported.citations = [
        CitationSpec(SourceSpec(title="", publisher=office.strip() or UNKNOWN_PUBLISHER), quote="")
        for office in offices
    ]


def _read_source_dates(imported: ImportedIncident, text: str) -> None:
    imported.dataset_fields["source_date"] = text  # until the headlines say it is not needed
    if not text.strip():
        return  # GED leaves some source dates out
    parts = text.split(SOURCE_SEPARATOR)
    if len(parts) != len(imported.citations):
        raise CellError(
            f"{len(parts)} dates for {len(imported.citations)} sources in source_office."
        )
    for citation, part in zip(imported.citations, parts, strict=True):
        citation.source.published_at = read_ged_date(part.strip()) if part.strip() else None


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
    """The citations' titles and quotes; the file's source cells are kept when the citations
    do not write them as the file did."""
    _cite_headlines(imported, text)
    given = {**imported.dataset_fields, "source_headline": text}
    cells = {name: given.get(name, "") for name in SOURCE_CELLS}
    if cells == _cells(citation.source for citation in imported.citations):
        for name in SOURCE_CELLS:
            imported.dataset_fields.pop(name, None)
    else:
        imported.dataset_fields.update(cells)


def _cite_headlines(imported: ImportedIncident, text: str) -> None:
    if not imported.citations:
        if not text.strip():
            return
        imported.citations = [CitationSpec(SourceSpec("", UNKNOWN_PUBLISHER), quote="")]
    article = imported.dataset_fields.get("source_article", "").strip(" \t")
    headlines = _split_headlines(text.strip(" \t"), article, len(imported.citations))
    if headlines is None:
        _merge_citations(imported)
        headlines = [text.strip(" \t")]
    for citation, headline in zip(imported.citations, headlines, strict=True):
        headline = headline.strip() or NO_HEADLINE
        citation.source.title = shorten(headline, SOURCE_TITLE_LENGTH)
        citation.quote = headline  # the words GED's coders read


def _merge_citations(imported: ImportedIncident) -> None:
    """Several sources whose headlines cannot be told apart become one, named as in the file."""
    first = imported.citations[0]
    publishers = SOURCE_SEPARATOR.join(c.source.publisher for c in imported.citations)
    first.source.publisher = shorten(publishers, 200)
    imported.citations = [first]


def _sources(incident: Incident) -> list:
    return [citation.source for citation in related(incident, "citations")]


def _offices(sources: list[Described]) -> str:
    return SOURCE_SEPARATOR.join(publisher_of(source) for source in sources)


def _dates(sources: list[Described]) -> str:
    dates = [source.published_at for source in sources]
    if not any(dates):
        return ""
    return SOURCE_SEPARATOR.join(date.isoformat() if date else "" for date in dates)


def _headlines(sources: list[Described]) -> str:
    titles = [source.title for source in sources]
    return SOURCE_SEPARATOR.join("" if title == NO_HEADLINE else title for title in titles)


CELL_WRITERS: dict[str, Callable[[list[Described]], str]] = {
    "source_office": _offices,
    "source_date": _dates,
    "source_headline": _headlines,
}


def _cells(sources: Iterable[Described]) -> dict[str, str]:
    """The source cells sources are written as."""
    listed = list(sources)
    return {name: write(listed) for name, write in CELL_WRITERS.items()}


def _read_back(fields: Mapping[str, object]) -> dict[str, str] | None:
    """What the citations a GED row's kept source cells read into are written as; None when
    the row keeps none, or they cannot be read."""
    if not isinstance(fields, Mapping) or not any(name in fields for name in SOURCE_CELLS):
        return None
    given = {}
    for name in (*SOURCE_CELLS, "source_article"):
        value = fields.get(name, "")
        if not isinstance(value, str):
            return None  # not what a file gives: no cell to give back
        given[name] = value
    scratch = ImportedIncident(dataset_fields={"source_article": given["source_article"]})
    try:
        _read_offices(scratch, given["source_office"])
        _read_source_dates(scratch, given["source_date"])
        _cite_headlines(scratch, given["source_headline"])
    except CellError:
        return None
    return _cells(citation.source for citation in scratch.citations)


def _given_back(name: str) -> Callable[[Incident], str]:
    """The cell from the incident's citations, or the file's own while it reads into them."""
    write = CELL_WRITERS[name]

    def value(incident: Incident) -> str:
        written = write(_sources(incident))
        if is_from_ged(incident):
            read_back = _read_back(incident.dataset_fields)
            if read_back is not None and read_back[name] == written:
                return str(incident.dataset_fields.get(name, ""))
        return written

    return value


def source_article(incident: Incident) -> str:
    """GED's "office,date,headline" per source, for incidents entered in Tessera."""
    return SOURCE_SEPARATOR.join(
        f'"{publisher_of(source)},{source.published_at or ""},{source.title}"'
        for source in _sources(incident)
    )


def _citations_sql(query: CellQuery) -> str:
    """A lateral subquery: the source_* cells computed from the citations, in their order."""
    separator = query.literal(SOURCE_SEPARATOR)
    headline = f"CASE WHEN s.title = {query.literal(NO_HEADLINE)} THEN '' ELSE s.title END"
    article = (
        "'\"' || s.publisher || ',' || COALESCE(" + date("s.published_at") + ", '') || ',' "
        "|| s.title || '\"'"
    )
    dates = f"COALESCE({date('s.published_at')}, '')"
    return (
        f"LEFT JOIN LATERAL (SELECT count(*) AS count, "
        f"string_agg({article}, {separator}) AS article, "
        f"string_agg(s.publisher, {separator}) AS offices, "
        f"CASE WHEN bool_or(s.published_at IS NOT NULL) "
        f"THEN string_agg({dates}, {separator}) END AS dates, "
        f"string_agg({headline}, {separator}) AS headlines FROM ("
        f"SELECT s.* FROM {Citation._meta.db_table} AS c "
        f"JOIN {Source._meta.db_table} AS s ON s.id = c.source_id "
        "WHERE c.incident_id = i.id ORDER BY c.id) AS s) AS c ON true"
    )


# count, article, offices, dates, headlines: the source_* cells of an incident's citations.
CITATIONS = Join("c", _citations_sql)


def _read_back_sql(query: CellQuery) -> str:
    """_read_back of each GED incident (among those exported) that keeps its source cells."""
    keeps = Q()
    for name in SOURCE_CELLS:
        keeps |= Q(dataset_fields__has_key=name)
    incidents = Incident.objects.filter(pk__in=query.incidents.values("pk"), dataset=DATASET)
    rows = ["(0, NULL, NULL, NULL)"]
    for pk, fields in incidents.filter(keeps).order_by("pk").values_list("pk", "dataset_fields"):
        read_back = _read_back(fields)
        cells = [read_back[name] if read_back else None for name in SOURCE_CELLS]
        rows.append(f"({int(pk)}, {query.literals(cells)})")
    columns = ", ".join(name.removeprefix("source_") for name in SOURCE_CELLS)
    return f"LEFT JOIN (VALUES {', '.join(rows)}) AS sk(id, {columns}) ON sk.id = i.id"


# office, date, headline: what the kept source cells of the incident read back into.
READ_BACK = Join("sk", _read_back_sql, needs=(GED,))


def _given_back_sql(name: str, written: str) -> Callable[[CellQuery], str]:
    """_given_back: `written` (a CITATIONS cell), or the file's own while it reads into it."""
    short = name.removeprefix("source_")

    def sql(query: CellQuery) -> str:
        now = f"{query.join(CITATIONS)}.{written}"
        read_back = f"{query.join(READ_BACK)}.{short}"
        return text(
            f"CASE WHEN {read_back} = COALESCE({now}, '') THEN {kept_sql(query, name)} "
            f"ELSE {now} END"
        )

    return sql


NUMBER_OF_SOURCES = kept_column(
    "number_of_sources",
    lambda incident: len(_sources(incident)),
    lambda q: f"{q.join(CITATIONS)}.count::text",
)
SOURCE_ARTICLE = kept_column(
    "source_article", source_article, lambda q: text(f"{q.join(CITATIONS)}.article")
)


def _source_column(name: str, read: Callable[[ImportedIncident, str], None], written: str):
    return Column(
        name,
        _given_back(name),
        read,
        field="sources",
        sql=_given_back_sql(name, written),
        sql_unwritable=kept_unwritable(*SOURCE_CELLS, "source_article"),
        keeps_spaces=True,
    )


SOURCE_OFFICE = _source_column("source_office", _read_offices, "offices")
SOURCE_DATE = _source_column("source_date", _read_source_dates, "dates")
SOURCE_HEADLINE = _source_column("source_headline", _read_headlines, "headlines")
