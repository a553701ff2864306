"""GED's source columns (source_office, source_date, source_headline, source_article,
number_of_sources): written from an incident's citations in Python and in SQL, read back into
the citations of an imported row."""

from __future__ import annotations

from csvio.layouts.base import (
    CellError,
    CitationSpec,
    Column,
    ImportedIncident,
    SourceSpec,
    related,
)
from csvio.layouts.sql import CellQuery, Join
from csvio.layouts.ucdp_codes import (
    NO_HEADLINE,
    SOURCE_SEPARATOR,
    SOURCE_TITLE_LENGTH,
    UNKNOWN_PUBLISHER,
    kept_column,
    read_ged_date,
    shorten,
)
from csvio.sql_cells import date, text
from incidents.models import Citation, Incident, Source


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


NUMBER_OF_SOURCES = kept_column(
    "number_of_sources",
    lambda incident: len(_sources(incident)),
    lambda q: f"{q.join(CITATIONS)}.count::text",
)
SOURCE_ARTICLE = kept_column(
    "source_article", source_article, lambda q: text(f"{q.join(CITATIONS)}.article")
)
SOURCE_OFFICE = Column(
    "source_office",
    _source_offices,
    _read_offices,
    field="sources",
    sql=lambda q: text(f"{q.join(CITATIONS)}.offices"),
)
SOURCE_DATE = Column(
    "source_date",
    _source_dates,
    _read_source_dates,
    field="sources",
    sql=lambda q: text(f"{q.join(CITATIONS)}.dates"),
)
SOURCE_HEADLINE = Column(
    "source_headline",
    _source_headlines,
    _read_headlines,
    field="sources",
    sql=lambda q: text(f"{q.join(CITATIONS)}.headlines"),
)
