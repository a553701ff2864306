"""Public pages of the records incidents name: `/actors/<id>/`, `/places/<id>/`,
`/sources/<id>/`, `/tags/<name>/`.

Each says what is known of the record and shows the explorer pre-filtered to it, with the
API's filter (`actor`, `location`, `source`, `tag`): the number of its published incidents,
the newest of them and the selection's facets, each linking into `/incidents/`. A record is
public as the API's is (`LinkedRecordQuerySet.public()`): one that only drafts name answers
404, as one that does not exist; a reference to a record readers may not see (a parent, a
backer, an original) is left out, as the API leaves it out (`public_with()`).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from geo.models import Location
from incidents import facets
from incidents.explorer import facet_links, with_params
from incidents.filters import IncidentFilterSet
from incidents.models import Actor, Incident, Source, Tag
from incidents.querysets import LinkedRecordQuerySet
from incidents.taxonomy import GeoPrecision

# The incidents a page lists; the explorer has the rest.
ROWS = 10
# How far back a source page follows republications (one query each).
CHAIN_STEPS = 5


def actor_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An actor: names, place in a hierarchy, backers, and its incidents in any role."""
    actor = get_object_or_404(Actor.objects.public_with("parent", "backed_by"), pk=pk)
    public = Actor.objects.public()
    context = {
        "actor": actor,
        "units": public.filter(parent=actor),
        "backs": public.filter(backed_by=actor),
        **selection("actor", str(actor.pk)),
    }
    return render(request, "pages/actor.html", context)


def place_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A place: its names, coordinates, areas, and the incidents that happened there."""
    place = get_object_or_404(LinkedRecordQuerySet(Location).public_with("parent"), pk=pk)
    precisions = (
        Incident.objects.public()
        .filter(location=place)
        .order_by("geo_precision")
        .values_list("geo_precision", flat=True)
        .distinct()
    )
    context = {
        "place": place,
        "precisions": [GeoPrecision(code).label for code in precisions],
        **selection("location", str(place.pk)),
    }
    return render(request, "pages/place.html", context)


def source_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A source: who published it when, what it republishes, which sources share its origin
    (and so count as one), and the incidents that cite it."""
    sources = Source.objects.public_with("republished_from", "originator")
    source = get_object_or_404(sources, pk=pk)
    chain = [source]
    while chain[-1].republished_from and len(chain) <= CHAIN_STEPS:
        chain.append(sources.get(pk=chain[-1].republished_from.pk))
    public = Source.objects.public()
    context = {
        "source": source,
        "republishes": chain[1:],
        "originator": next((each.originator for each in chain if each.originator), None),
        "republished_by": public.filter(republished_from=source),
        "same_origin": public.filter(independence_key=source.independence_key).exclude(pk=pk)
        if source.independence_key
        else public.none(),
        **selection("source", str(source.pk)),
    }
    return render(request, "pages/source.html", context)


def tag_page(request: HttpRequest, name: str) -> HttpResponse:
    """A tag and the incidents it labels."""
    tag = get_object_or_404(LinkedRecordQuerySet(Tag).public(), name=name)
    context = {"tag": tag, **selection("tag", facets.parameter_value(tag.name))}
    return render(request, "pages/tag.html", context)


def selection(parameter: str, value: str) -> dict[str, Any]:
    """The explorer's selection `parameter=value`: its count, newest incidents and facets, the
    links leading into the explorer."""
    params = QueryDict(mutable=True)
    params[parameter] = value
    filterset = IncidentFilterSet(params, Incident.objects.public().with_list_columns())
    if not filterset.is_valid():
        # A record the filter cannot name (a tag whose name it cannot read back) has no page.
        raise Http404(f"No {parameter} page")
    matching = filterset.qs
    explorer = reverse("incident-explorer")
    groups = facet_links(params, facets.counted(matching, facets.FACETS.values()), on=explorer)
    for group in groups:  # the record's own value is the page's subject, not a choice
        group["links"] = [link for link in group["links"] if not link.selected]
    return {
        "incidents": matching[:ROWS],
        "count": matching.count(),
        "explore_url": explorer + with_params(params),
        "facets": groups,
    }
