"""How to cite an incident record: its permalink, a citation to read, BibTeX and CSL-JSON.

A citation names one version of a record: the date of its last change and, in the machine
formats, its version number, so that a reader can tell whether the record has changed since.
The author is the project itself (settings.TESSERA_NAME), as for a dataset.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils import timezone

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
    """The record's page as an absolute URL on settings.TESSERA_BASE_URL, whatever the request."""
    # reverse() puts the current request's script prefix in front; the base URL holds any prefix.
    path = reverse("incident-page", args=[incident.public_id]).removeprefix(get_script_prefix())
    return f"{settings.TESSERA_BASE_URL}/{path}"


def version_date(incident: Incident) -> dt.date:
    """The date of the cited version: the record's last change."""
    return timezone.localdate(incident.updated_at)


def citation_text(incident: Incident, accessed: dt.date) -> str:
    """The citation in a reference list, e.g.

    Tessera. “Five rockets land near Ain al-Asad air base.” IRQ-2022-00001, version of
    2026-11-26. https://tessera.example/incidents/IRQ-2022-00001/ (accessed 2026-11-27).
    """
    retracted = " Retracted record" if incident.status == Status.RETRACTED else ""
    return (
        f"{settings.TESSERA_NAME}. “{_sentence(incident.title)}”{retracted} {incident.public_id}, "
        f"version of {version_date(incident):%Y-%m-%d}. {permalink(incident)} "
        f"(accessed {accessed:%Y-%m-%d})."
    )


def bibtex(incident: Incident, accessed: dt.date) -> str:
    """A BibTeX @misc entry keyed by the public id; biblatex reads `date`, `urldate`, `version`."""
    issued = version_date(incident)
    note = f"Version {incident.version} of {issued:%Y-%m-%d}, accessed {accessed:%Y-%m-%d}"
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
        ("url", permalink(incident)),
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
        "URL": permalink(incident),
    }
    if incident.status == Status.RETRACTED:
        item["status"] = "retracted"
    return item


def _date_parts(date: dt.date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[date.year, date.month, date.day]]}


def _sentence(title: str) -> str:
    """The title closed by a full stop, unless it already ends with one (or ? or !)."""
    return title if title.endswith((".", "?", "!")) else f"{title}."
