"""About the data: the codebook, the methodology and licence, how to cite the dataset (or any
selection of it, by the explorer's query string), and robots.txt."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.site_urls import absolute_url
from incidents import citation_formats, codebook
from incidents.models import Incident
from incidents.selections import BadSelection, public_selection, refusal, selection_query
from incidents.views import attachment


def about(request: HttpRequest) -> HttpResponse:
    """What the data are, where the codebook and methodology are, how to cite the dataset."""
    selection = citation_formats.selection_of(Incident.objects.published(), "")
    context = {
        "selection": selection,
        "citation": citation_formats.dataset_citation_text(selection, timezone.localdate()),
        **licence(),
    }
    return render(request, "pages/about.html", context)


def codebook_page(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/codebook.html", {"vocabularies": codebook.vocabularies()})


def methodology(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/methodology.html", licence())


def licence() -> dict[str, str]:
    return {
        "licence_name": settings.TESSERA_LICENCE_NAME,
        "licence_url": settings.TESSERA_LICENCE_URL,
    }


def dataset_bibtex(request: HttpRequest) -> HttpResponse:
    """The selection the query string names (every published record without one) in BibTeX."""
    try:
        selection = cited_selection(request)
    except BadSelection as error:
        return refusal(error)
    return attachment(
        citation_formats.dataset_bibtex(selection, timezone.localdate()),
        content_type="application/x-bibtex; charset=utf-8",
        filename=f"{settings.TESSERA_NAME}-incidents.bib",
    )


def dataset_csl_json(request: HttpRequest) -> HttpResponse:
    try:
        selection = cited_selection(request)
    except BadSelection as error:
        return refusal(error)
    items = [citation_formats.dataset_csl_json(selection, timezone.localdate())]
    return attachment(
        json.dumps(items, ensure_ascii=False, indent=2) + "\n",
        content_type="application/vnd.citationstyles.csl+json",
        filename=f"{settings.TESSERA_NAME}-incidents.json",
    )


def cited_selection(request: HttpRequest) -> citation_formats.Selection:
    incidents = public_selection(request.GET)
    return citation_formats.selection_of(incidents, selection_query(request.GET))


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Public pages may be crawled; the admin, accounts, the API and the explorer's endless
    combinations of filters may not (the sitemap lists every record's page)."""
    context = {
        "disallowed": [
            reverse("admin:index"),
            reverse("login"),
            reverse("logout"),
            reverse("api-token"),
            reverse("api-root"),
            reverse("incident-explorer") + "?",
            reverse("dataset-bibtex"),
            reverse("dataset-csl-json"),
        ],
        "allowed": [reverse("api-docs")],
        "sitemap": absolute_url(reverse("sitemap")),
    }
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")
