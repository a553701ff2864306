"""How to cite an incident record: its permalink, a citation to read, BibTeX and CSL-JSON.

A citation names one version of a record: its number and when it was saved, and links to
that version's own page (`/incidents/<public id>/v/<number>/`), which keeps showing it after
the record changes; two changes on one day are two versions. The author is the project itself
(settings.TESSERA_NAME), as for a dataset. Every URL is built on the site's base
(core.site_urls).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

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
    return f"{incident.updated_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"


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
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{incident.public_id},\n{body},\n}}\n"


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
