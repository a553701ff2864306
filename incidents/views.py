from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from incidents import citation_formats
from incidents.models import Actor, Citation, Incident, IncidentActor, IncidentRelation, Source
from incidents.querysets import IncidentQuerySet
from incidents.taxonomy import DATE_PRECISION_PHRASES, RelationKind, Status
from incidents.versions import IncidentVersion, find_version, with_rows

LATEST_COUNT = 20
# What JSON inside a <script> element must not hold as such, written as JSON escapes (as
# Django's json_script writes them), so that no `</script>` in a title ends the block.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

# How a related incident stands to the one on the page, by direction of the link.
RELATED_AS: dict[str, str] = {
    RelationKind.RESPONSE_TO: "In response to",
    RelationKind.PART_OF_SERIES: "Part of a series with",
    RelationKind.SAME_EVENT_AS: "Same event as",
}
RELATED_FROM: dict[str, str] = {**RELATED_AS, RelationKind.RESPONSE_TO: "Responded to by"}

# Everything the page shows, in six queries whatever the number of actors, sources and links:
# the incident with its places and when it was first published, tags, actors, citations with
# their sources, links each way.
PAGE_QUERYSET = (
    Incident.objects.select_related("location", "origin_location")
    .with_time_entered(Status.PUBLISHED, "first_published")
    .prefetch_related(
        "tags",
        Prefetch("participants", IncidentActor.objects.select_related("actor")),
        Prefetch(
            "citations",
            # The cited source, the two sources it may republish and who made each one's claim.
            Citation.objects.select_related(
                "source__originator",
                "source__republished_from__originator",
                "source__republished_from__republished_from__originator",
            ),
        ),
        Prefetch("relations_from", IncidentRelation.objects.to_visible(Incident.objects.public())),
        Prefetch("relations_to", IncidentRelation.objects.from_visible(Incident.objects.public())),
    )
)


@dataclass
class CitedSource:
    """A citation as the page shows it, with the chain of sources behind the cited one."""

    citation: Citation
    republishes: list[Source]  # the sources the cited one copies, nearest first
    chain_goes_on: bool  # the chain is longer than the page loads
    originator: Actor | None  # who made the claim, as the earliest source that says so records


@dataclass
class RelatedIncident:
    relation: str
    incident: Incident


def public_record(queryset: IncidentQuerySet) -> Callable:
    """Call the view with the public incident its URL names, looked up in `queryset`.

    Drafts and records in review do not exist for the public (404). A duplicate merged into
    another record answers with a permanent redirect to the same view of the kept record.
    """

    def decorator(view: Callable[[HttpRequest, Incident], HttpResponse]) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, public_id: str) -> HttpResponse:
            incident = get_object_or_404(
                queryset.public().annotate(kept_public_id=F("duplicate_of__public_id")),
                public_id=public_id,
            )
            if incident.kept_public_id:
                assert request.resolver_match is not None  # a routed request
                view_name = request.resolver_match.view_name
                return redirect(view_name, incident.kept_public_id, permanent=True)
            return view(request, incident)

        return wrapper

    return decorator


def public_version(queryset: IncidentQuerySet, *, rows: bool = False) -> Callable:
    """Call the view with the version the URL names (`number`) of the public incident it
    names, looked up in `queryset`; with the version's rows as they were, when `rows`.

    A version that was a draft or in review does not exist for the public (404), even when
    the record is public now. A merged duplicate's versions are answered, not redirected: each
    stays citable, and its page says where the record went.
    """

    def decorator(view: Callable[[HttpRequest, IncidentVersion], HttpResponse]) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, public_id: str, number: int) -> HttpResponse:
            current = get_object_or_404(
                queryset.public().select_related("duplicate_of"), public_id=public_id
            )
            version = find_version(current, number, public_only=True)
            if version is None:
                raise Http404(f"{public_id} has no public version {number}.")
            if rows:
                with_rows(version, linkable=Incident.objects.public())
            return view(request, version)

        return wrapper

    return decorator


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what Tessera is and the latest published incidents."""
    latest = Incident.objects.published().with_list_columns()[:LATEST_COUNT]
    return render(request, "pages/home.html", {"latest": latest})


@public_record(PAGE_QUERYSET)
def incident_page(request: HttpRequest, incident: Incident) -> HttpResponse:
    """The permalink of a published (or retracted) incident: its record in plain language."""
    context = page_context(incident, incident.first_published)  # type: ignore[attr-defined]
    return render(request, "pages/incident.html", context)


@public_version(PAGE_QUERYSET, rows=True)
def incident_version_page(request: HttpRequest, version: IncidentVersion) -> HttpResponse:
    """One version of the record, as it was: the address its citations give."""
    first_published = version.current.first_published  # type: ignore[attr-defined]
    context = {**page_context(version.record, first_published), "version": version}
    return render(request, "pages/incident.html", context)


def page_context(incident: Incident, first_published: dt.datetime | None) -> dict[str, Any]:
    return {
        **page_metadata(incident, first_published),
        "incident": incident,
        "date_precision": DATE_PRECISION_PHRASES[incident.date_precision],
        "cited_sources": [cited_source(citation) for citation in incident.citations.all()],
        "related": related_incidents(incident),
        "permalink": citation_formats.permalink(incident),
        "version_url": citation_formats.version_url(incident),
        "citation": citation_formats.citation_text(incident, timezone.localdate()),
    }


def page_metadata(incident: Incident, first_published: dt.datetime | None) -> dict[str, Any]:
    """What reference managers and search engines read in the page's head."""
    linked_data = citation_formats.json_ld(incident, first_published, settings.TESSERA_LICENCE_URL)
    return {
        "highwire": citation_formats.highwire_tags(incident, first_published),
        "json_ld": json.dumps(linked_data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES),
        "api_url": linked_data["distribution"][0]["contentUrl"],
        "geojson_url": linked_data["distribution"][1]["contentUrl"],
    }


@public_record(Incident.objects.all())
def incident_bibtex(request: HttpRequest, incident: Incident) -> HttpResponse:
    return _bibtex(incident)


@public_version(Incident.objects.all())
def incident_version_bibtex(request: HttpRequest, version: IncidentVersion) -> HttpResponse:
    return _bibtex(version.record)


@public_record(Incident.objects.all())
def incident_csl_json(request: HttpRequest, incident: Incident) -> HttpResponse:
    return _csl_json(incident)


@public_version(Incident.objects.all())
def incident_version_csl_json(request: HttpRequest, version: IncidentVersion) -> HttpResponse:
    return _csl_json(version.record)


def _bibtex(incident: Incident) -> HttpResponse:
    return attachment(
        citation_formats.bibtex(incident, timezone.localdate()),
        content_type="application/x-bibtex; charset=utf-8",
        filename=f"{incident.public_id}.bib",
    )


def _csl_json(incident: Incident) -> HttpResponse:
    # A CSL-JSON file is a list of items, which is what Zotero and Pandoc import.
    items = [citation_formats.csl_json(incident, timezone.localdate())]
    return attachment(
        json.dumps(items, ensure_ascii=False, indent=2) + "\n",
        content_type="application/vnd.citationstyles.csl+json",
        filename=f"{incident.public_id}.json",
    )


def attachment(content: str, *, content_type: str, filename: str) -> HttpResponse:
    return HttpResponse(
        content.encode(),
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def cited_source(citation: Citation) -> CitedSource:
    """Follow the source's republications as far as PAGE_QUERYSET loaded them."""
    chain = [citation.source]
    while chain[-1].republished_from_id and Source.republished_from.is_cached(chain[-1]):
        original = chain[-1].republished_from
        assert original is not None  # its id is set
        chain.append(original)
    originator = next(
        (source.originator for source in reversed(chain) if source.originator_id), None
    )
    return CitedSource(
        citation=citation,
        republishes=chain[1:],
        chain_goes_on=bool(chain[-1].republished_from_id),
        originator=originator,
    )


def related_incidents(incident: Incident) -> list[RelatedIncident]:
    """The public incidents linked to this one, either way, oldest first."""
    related = [
        RelatedIncident(RELATED_AS[link.kind], link.to_incident)
        for link in incident.relations_from.all()
    ] + [
        RelatedIncident(RELATED_FROM[link.kind], link.from_incident)
        for link in incident.relations_to.all()
    ]
    return sorted(related, key=lambda row: (row.incident.date_start, row.incident.public_id))
