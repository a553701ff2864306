"""The public explorer, `/incidents/`: the API's list as a page.

The page reads the same query string as `/api/v1/incidents/`, through the same FilterSet (with
its default: published records), the same keyset paging and the same refusal of unknown
parameters, so a page URL and its API URL differ only in the path. It reads public records
only, whoever asks: it is the public's view. Its facets are `incidents.facets` and its timeline
`incidents.timeline`, as the API's; its map draws the API's clusters (`incidents.clusters`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from core.api import parameters_read_by
from core.pagination import KeysetPagination
from core.site_urls import absolute_url
from csvio.layouts import PRESETS
from incidents import clusters, explorer_timeline, facets, timeline
from incidents.counting import Counted
from incidents.filters import ORDERINGS, IncidentFilterSet, filters_named_in
from incidents.filters.fields import ChoiceListField
from incidents.models import Incident
from incidents.selections import selection_errors

# The parameters of paging, as the API's list reads them.
PAGING = parameters_read_by(KeysetPagination(), None)
KNOWN = set(IncidentFilterSet.base_filters) | PAGING
# The filters the form shows, in this order; any other filter in the query string is kept as
# a hidden field, so that the search box never drops a filter the URL holds.
FORM_FIELDS = {
    "q": "Search",
    "date_after": "From",
    "date_before": "To",
    "country": "Country (ISO code)",
    "admin1": "Admin-1 area (ISO code)",
    "event_type": "Event type",
    "sub_event_type": "Sub-event type",
    "actor": "Actor (name or id)",
    "weapon": "Weapon",
    "outcome": "Outcome",
    "confidence": "Confidence",
    "fatalities_min": "Fatalities at least",
    "fatalities_max": "Fatalities at most",
    "tag": "Tag",
}
SORTS = {
    "-date": "Newest",
    "date": "Oldest",
    "-fatalities": "Most fatalities",
    "fatalities": "Fewest fatalities",
    "-updated_at": "Last changed",
}
assert set(SORTS) <= set(ORDERINGS)
# Facets whose values have a page of their own (/actors/<id>/, /tags/<name>/), linked beside
# the value's filter link.
VALUE_PAGES: dict[str, Callable[[facets.FacetValue], str]] = {
    "actor": lambda value: reverse("actor-page", args=[value.value]),
    "tag": lambda value: reverse("tag-page", args=[value.label]),
}
DATE_INPUTS = ("date_after", "date_before")
NUMBER_INPUTS = ("fatalities_min", "fatalities_max")


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    count: int | None = None
    selected: bool = False
    page: str | None = None  # the value's own page (an actor's, a tag's)


def incident_explorer(request: HttpRequest) -> HttpResponse:
    """Every published incident, filtered, sorted and paged as the API's list is."""
    params = request.GET
    filterset = IncidentFilterSet(params, Incident.objects.public().with_list_columns())
    context: dict[str, Any] = {"form": filterset.form, "api_url": api_url(request)}
    errors = selection_errors(params, filterset, KNOWN)
    if not errors:
        try:
            context.update(results(request, filterset))
        except ValidationError as error:  # a bad cursor or page size: {name: [message]}
            detail = cast("dict[str, list[str]]", error.detail)
            errors = {name: [str(message) for message in detail[name]] for name in detail}
    context.update(form_rows(filterset, params), errors=errors)
    return render(request, "pages/incidents.html", context, status=400 if errors else 200)


def results(request: HttpRequest, filterset: IncidentFilterSet) -> dict[str, Any]:
    paginator = KeysetPagination()
    matching = filterset.qs
    page = paginator.paginate_queryset(matching, Request(request))
    params = request.GET
    # The counts read the stored counts of public incidents when they can answer the filters.
    selection = Counted.of(filterset)
    return {
        "incidents": page,
        "count": selection.count(),
        "next_url": paginator.link("next"),
        "previous_url": paginator.link("previous"),
        "sorts": sort_links(params),
        "facets": facet_links(params, facets.counted(selection, facets.FACETS.values())),
        "downloads": download_links(params),
        "map": map_data(params, selection),
        "timeline": explorer_timeline.chart(
            timeline.counted(selection),
            filterset.form.cleaned_data,
            lambda filters: with_params(
                params, **{name: [value] for name, value in filters.items()}
            ),
        ),
    }


def form_rows(filterset: IncidentFilterSet, params: QueryDict) -> dict[str, Any]:
    """The form's fields as the page shows them (choices offered as suggestions, dates and
    numbers as such), and the query string's other filters as hidden fields."""
    form = filterset.form
    for name in DATE_INPUTS:
        form.fields[name].widget.input_type = "date"
    for name in NUMBER_INPUTS:
        form.fields[name].widget.input_type = "number"
    rows = []
    for name, label in FORM_FIELDS.items():
        field = form.fields[name]
        # The API's help is written for programmers; the label says enough.
        bound = form[name]
        bound.label, bound.help_text = label, ""
        suggestions = []
        if isinstance(field, ChoiceListField):
            choices = IncidentFilterSet.base_filters[name].extra["choices"]
            suggestions = [value for value, _ in choices]
            field.widget.attrs["list"] = f"{name}-choices"
        rows.append({"field": bound, "suggestions": suggestions})
    hidden = [
        (name, value)
        for name, values in params.lists()
        if name in IncidentFilterSet.base_filters and name not in FORM_FIELDS
        for value in values
    ]
    # Named in the form's "Filters" summary, which a phone shows closed.
    filters_set = sum(1 for name in FORM_FIELDS if name != "q" and params.get(name))
    return {"fields": rows, "hidden": hidden, "filters_set": filters_set}


def with_params(params: QueryDict, **changes: list[str] | None) -> str:
    """The query string `params` with each named parameter set to its values (None: removed),
    from the first page. Empty parameters (an empty form field) are left out: they filter
    nothing."""
    changed = QueryDict(mutable=True)
    for name, given in params.lists():
        if name not in PAGING - {"page_size"} and any(given):
            changed.setlist(name, given)
    for name, values in changes.items():
        changed.pop(name, None)
        if values:
            changed.setlist(name, values)
    query = changed.urlencode()
    return f"?{query}" if query else "?"


def sort_links(params: QueryDict) -> list[Link]:
    current = params.get("ordering") or "-date"
    return [
        Link(label, with_params(params, ordering=[name]), selected=name == current)
        for name, label in SORTS.items()
    ]


def facet_links(
    params: QueryDict, counts: list[facets.FacetCounts], *, on: str = ""
) -> list[dict[str, Any]]:
    """Each facet's values, each a link that selects it (narrowing the selection to its count)
    or, when selected, removes it; the links lead to the page at path `on` (this one when
    empty)."""
    return [
        {
            "facet": each.facet,
            "links": [facet_link(params, each.facet, value, on) for value in each.values],
        }
        for each in counts
    ]


def facet_link(params: QueryDict, facet: facets.Facet, value: facets.FacetValue, on: str) -> Link:
    link = value_link(params, facet, value)
    page = VALUE_PAGES.get(facet.name)
    return replace(link, url=on + link.url, page=page(value) if page else None)


def value_link(params: QueryDict, facet: facets.Facet, value: facets.FacetValue) -> Link:
    if facet.name == facets.YEAR:
        dates = {name: _date(params, name) for name in ("date_after", "date_before")}
        years = facets.year_filters(int(value.value), dates)
        selected = all(dates[name] == day for name, day in years.items())
        url = with_params(
            params,
            **(
                dict.fromkeys(years)
                if selected
                else {name: [day.isoformat()] for name, day in years.items()}
            ),
        )
        return Link(value.label, url, value.count, selected)
    field = IncidentFilterSet.base_filters[facet.parameter].field
    items = field.to_python(params.getlist(facet.parameter))
    names = {value.value.casefold(), value.label.casefold()}
    chosen = [item for item in items if item.casefold() in names]
    if chosen:
        rest = [facets.parameter_value(item) for item in items if item not in chosen]
        return Link(value.label, with_params(params, **{facet.parameter: rest}), value.count, True)
    # Within the current selection, selecting the value narrows it to the incidents counted.
    url = with_params(params, **{facet.parameter: [value.value]})
    return Link(value.label, url, value.count)


def _date(params: QueryDict, name: str):
    """A date filter of a query string the FilterSet has found valid, as it reads it."""
    return IncidentFilterSet.base_filters[name].field.clean(params.get(name) or None)


def download_links(params: QueryDict) -> list[Link]:
    """The selection as files: CSV in each layout and GeoJSON, from the API's export."""
    export = reverse("incident-export")
    links = [
        Link(f"CSV ({name})", export + with_params(params, preset=[name], page_size=None))
        for name in PRESETS
    ]
    links.append(Link("GeoJSON", export + with_params(params, format=["geojson"], page_size=None)))
    return links


def map_data(params: QueryDict, matching: Counted) -> dict[str, Any]:
    """What the map's script needs (static/js/incident_map.js): the clusters of the selection
    without its area, which the script narrows to the visible box (within the page's `bbox`),
    and where the map opens: the box of the selection's places."""
    selection = QueryDict(mutable=True)
    for name, value in filters_named_in(params):
        if name != "bbox" and value:
            selection.appendlist(name, value)
    opening = clusters.extent(matching)
    return {
        "clusters_url": f"{reverse('incident-clusters')}?{selection.urlencode()}".rstrip("?"),
        "bbox": params.get("bbox", ""),
        "extent": ",".join(f"{edge:.5f}" for edge in vars(opening).values()) if opening else "",
        "max_zoom": clusters.MAX_ZOOM,
        "basemap_url": static("vendor/world-atlas/countries-110m.geojson"),
        "tile_url": settings.TESSERA_TILE_URL,
        "tile_attribution": settings.TESSERA_TILE_ATTRIBUTION,
        "remove_area_url": with_params(params, bbox=None) if params.get("bbox") else "",
    }


def api_url(request: HttpRequest) -> str:
    """The API's list of the same selection: the page's query string on the API's path."""
    query = request.META.get("QUERY_STRING", "")
    return absolute_url(reverse("incident-list") + (f"?{query}" if query else ""))
