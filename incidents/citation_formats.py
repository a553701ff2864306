"""How to cite an incident record, and the dataset or a selection of it: a citation to read,
BibTeX and CSL-JSON; and the metadata a record's page carries for reference managers and
search engines (Highwire `citation_*` tags, schema.org JSON-LD).

A citation names one version of a record: its number and when it was saved, and links to
that version's own page (`/incidents/<public id>/v/<number>/`), which keeps showing it after
the record changes; two changes on one day are two versions. The author is the project itself
(settings.TESSERA_NAME), as for a dataset. Every URL is built on the site's base
(core.site_urls).

The dataset, or a selection of it, is cited by its explorer URL (the filters as the API's list
reads them), with the number of records it held and the time of their latest change, the
version a reader can compare.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.site_urls import absolute_url
from incidents.models import Incident
from incidents.taxonomy import Status

# Each character that BibTeX or LaTeX would read as markup, written as the character itself.
# Braces become commands rather than \{ and \}: BibTeX counts every brace, escaped or not, to
# find where a field ends.
BIBTEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "%": r"\%",
        "&": r"\&",
        "#": r"\#",
        "_": r"\_",
        "$": r"\$",
        "^": r"\textasciicircum{}",
        "~": r"\textasciitilde{}",
    }
)


def permalink(incident: Incident) -> str:
    """The record's page, which always shows its current version."""
    return page_url(incident.public_id)


def page_url(public_id: str) -> str:
    return absolute_url(reverse("incident-page", args=[public_id]))


def version_url(incident: Incident) -> str:
    """The page of this version of the record (the version `incident` holds)."""
    return absolute_url(
        reverse("incident-version-page", args=[incident.public_id, incident.version])
    )


def version_date(incident: Incident) -> dt.date:
    """The date of the cited version: the record's last change."""
    return timezone.localdate(incident.updated_at)


def version_time(incident: Incident) -> str:
    """When the cited version was saved, to the second, in UTC: `2026-12-04 10:31:05 UTC`."""
    return _utc(incident.updated_at)


def _utc(moment: dt.datetime) -> str:
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"


def version_named(incident: Incident) -> str:
    """`Version 3 of 2026-11-26 09:14:02 UTC`."""
    return f"Version {incident.version} of {version_time(incident)}"


def citation_text(incident: Incident, accessed: dt.date) -> str:
    """The citation in a reference list, e.g.

    Tessera. “Five rockets land near Ain al-Asad air base.” IRQ-2022-00001, version 3 of
    2026-11-26 09:14:02 UTC. https://tessera.example/incidents/IRQ-2022-00001/v/3/
    (accessed 2026-11-27).
    """
    retracted = " Retracted record" if incident.status == Status.RETRACTED else ""
    return (
        f"{settings.TESSERA_NAME}. “{_sentence(incident.title)}”{retracted} {incident.public_id}, "
        f"version {incident.version} of {version_time(incident)}. {version_url(incident)} "
        f"(accessed {accessed:%Y-%m-%d})."
    )


def bibtex(incident: Incident, accessed: dt.date) -> str:
    """A BibTeX @misc entry keyed by the public id; biblatex reads `date`, `urldate`, `version`."""
    issued = version_date(incident)
    note = f"{version_named(incident)}, accessed {accessed:%Y-%m-%d}"
    if incident.status == Status.RETRACTED:
        note = f"Retracted record. {note}"
    fields = [
        # Double braces: the author is an institution, not a person's first and last name,
        # and the title keeps its capitals.
        ("author", f"{{{bibtex_escape(settings.TESSERA_NAME)}}}"),
        ("title", f"{{{bibtex_escape(incident.title)}}}"),
        ("howpublished", bibtex_escape(f"{settings.TESSERA_NAME}, record {incident.public_id}")),
        ("number", bibtex_escape(incident.public_id)),
        ("version", str(incident.version)),
        ("year", f"{issued:%Y}"),
        ("date", f"{issued:%Y-%m-%d}"),
        # The url package reads this field verbatim, so it is not escaped.
        ("url", version_url(incident)),
        ("urldate", f"{accessed:%Y-%m-%d}"),
        ("note", bibtex_escape(note)),
    ]
    return _bibtex_entry(incident.public_id, fields)


def _bibtex_entry(key: str, fields: list[tuple[str, str]]) -> str:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body},\n}}\n"


def bibtex_escape(text: str) -> str:
    return text.translate(BIBTEX_ESCAPES)


def csl_json(incident: Incident, accessed: dt.date) -> dict[str, Any]:
    """The record as a CSL-JSON item (the format of Zotero, Pandoc and citeproc)."""
    item: dict[str, Any] = {
        "id": incident.public_id,
        "type": "dataset",
        "title": incident.title,
        "author": [{"literal": settings.TESSERA_NAME}],
        "publisher": settings.TESSERA_NAME,
        "number": incident.public_id,
        "version": str(incident.version),
        "issued": _date_parts(version_date(incident)),
        "accessed": _date_parts(accessed),
        "URL": version_url(incident),
        # CSL dates have no time of day: the note tells two versions of one day apart.
        "note": version_named(incident),
    }
    if incident.status == Status.RETRACTED:
        item["status"] = "retracted"
    return item


def _date_parts(date: dt.date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[date.year, date.month, date.day]]}


def _sentence(title: str) -> str:
    """The title closed by a full stop, unless it already ends with one (or ? or !)."""
    return title if title.endswith((".", "?", "!")) else f"{title}."


@dataclass(frozen=True)
class Selection:
    """The dataset, or the part of it a query string selects, as it stood when it was read."""

    query: str  # the filters, as a query string; empty for the whole dataset
    count: int
    latest: dt.datetime | None  # the latest change of any record in it; None when empty

    @property
    def url(self) -> str:
        """The explorer's page of the selection: what a citation of it links to."""
        return explorer_url(self.query)

    @property
    def title(self) -> str:
        name = f"{settings.TESSERA_NAME}: armed-conflict incidents"
        return f"{name}, selection {self.query}" if self.query else name

    @property
    def version(self) -> str:
        return _utc(self.latest) if self.latest else "no record"

    def records(self) -> str:
        return f"{self.count} record{'' if self.count == 1 else 's'}"


def explorer_url(query: str = "") -> str:
    path = reverse("incident-explorer")
    return absolute_url(f"{path}?{query}" if query else path)


def selection_of(incidents: QuerySet, query: str) -> Selection:
    """`incidents` counted, with their latest change, in one query."""
    found = incidents.order_by().aggregate(count=Count("pk"), latest=Max("updated_at"))
    return Selection(query, found["count"], found["latest"])


def dataset_citation_text(selection: Selection, accessed: dt.date) -> str:
    """Tessera. “Tessera: armed-conflict incidents, selection country=IRQ.” 3 records, latest
    change 2026-12-04 10:31:05 UTC. https://…/incidents/?country=IRQ (accessed 2026-12-04)."""
    return (
        f"{settings.TESSERA_NAME}. “{selection.title}.” {selection.records()}, latest change "
        f"{selection.version}. {selection.url} (accessed {accessed:%Y-%m-%d})."
    )


def dataset_bibtex(selection: Selection, accessed: dt.date) -> str:
    issued = selection.latest.date() if selection.latest else accessed
    note = f"{selection.records()}, latest change {selection.version}, accessed {accessed:%Y-%m-%d}"
    fields = [
        ("author", f"{{{bibtex_escape(settings.TESSERA_NAME)}}}"),
        ("title", f"{{{bibtex_escape(selection.title)}}}"),
        ("howpublished", bibtex_escape(f"{settings.TESSERA_NAME} dataset")),
        ("version", bibtex_escape(selection.version)),
        ("year", f"{issued:%Y}"),
        ("date", f"{issued:%Y-%m-%d}"),
        ("url", selection.url),
        ("urldate", f"{accessed:%Y-%m-%d}"),
        ("note", bibtex_escape(note)),
    ]
    return _bibtex_entry(f"{slugify(settings.TESSERA_NAME)}-{accessed:%Y-%m-%d}", fields)


def dataset_csl_json(selection: Selection, accessed: dt.date) -> dict[str, Any]:
    issued = selection.latest.date() if selection.latest else accessed
    return {
        "id": f"{slugify(settings.TESSERA_NAME)}-{accessed:%Y-%m-%d}",
        "type": "dataset",
        "title": selection.title,
        "author": [{"literal": settings.TESSERA_NAME}],
        "publisher": settings.TESSERA_NAME,
        "version": selection.version,
        "issued": _date_parts(issued),
        "accessed": _date_parts(accessed),
        "URL": selection.url,
        "note": f"{selection.records()}, latest change {selection.version}",
        # CSL's own place for what no variable holds.
        "custom": {"records": selection.count, "query": selection.query},
    }


def highwire_tags(incident: Incident, first_published: dt.datetime | None) -> list[tuple[str, str]]:
    """The `citation_*` meta tags reference managers (Zotero, Google Scholar) read, for the
    version `incident` holds: published on the version's date, online since the record was
    first published."""
    tags = [
        ("citation_title", incident.title),
        ("citation_author", settings.TESSERA_NAME),
        ("citation_publisher", settings.TESSERA_NAME),
        ("citation_technical_report_number", incident.public_id),
        ("citation_version", str(incident.version)),
        ("citation_publication_date", f"{version_date(incident):%Y/%m/%d}"),
        ("citation_public_url", version_url(incident)),
    ]
    if first_published:
        tags.append(("citation_online_date", f"{timezone.localdate(first_published):%Y/%m/%d}"))
    return tags


def json_ld(
    incident: Incident, first_published: dt.datetime | None, licence_url: str
) -> dict[str, Any]:
    """The version `incident` holds as a schema.org Dataset, with its place, its dates and
    its machine-readable forms (the API's JSON and GeoJSON)."""
    api = absolute_url(reverse("incident-detail", args=[incident.public_id]))
    place = incident.location
    item: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": version_url(incident),
        "url": version_url(incident),
        "name": incident.title,
        "description": incident.summary or incident.title,
        "identifier": incident.public_id,
        "version": str(incident.version),
        "dateModified": incident.updated_at.isoformat(),
        "creator": {"@type": "Organization", "name": settings.TESSERA_NAME},
        "publisher": {"@type": "Organization", "name": settings.TESSERA_NAME},
        "license": licence_url,
        "isPartOf": {"@type": "Dataset", "name": settings.TESSERA_NAME, "url": explorer_url()},
        "temporalCoverage": f"{incident.date_start:%Y-%m-%d}/{incident.date_end:%Y-%m-%d}",
        "spatialCoverage": {
            "@type": "Place",
            "name": place.name,
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": place.latitude,
                "longitude": place.longitude,
            },
        },
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": "application/json", "contentUrl": api},
            {
                "@type": "DataDownload",
                "encodingFormat": "application/geo+json",
                "contentUrl": f"{api}?format=geojson",
            },
        ],
    }
    if first_published:
        item["datePublished"] = first_published.isoformat()
    if incident.status == Status.RETRACTED:
        item["creativeWorkStatus"] = "retracted"
    return item
