"""A selection of public incidents named by a query string, as the API's list reads it.

The explorer, the feeds and the dataset's citations read `?country=IRQ&q=drone` through the
one FilterSet, on `Incident.objects.public()` whoever asks, and refuse what the API refuses:
an unknown parameter (naming the closest known one) or a malformed value, each by its name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.http import HttpResponseBadRequest, QueryDict

from core.api import unknown_parameter
from incidents.filters import DEFAULT_STATUS, IncidentFilterSet
from incidents.models import Incident
from incidents.querysets import IncidentQuerySet

FILTERS = frozenset(IncidentFilterSet.base_filters)


class BadSelection(Exception):
    """The query string cannot be answered: {parameter: [why]}."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(f"{name}: {' '.join(why)}" for name, why in self.errors.items())


def selection_errors(
    params: QueryDict, filterset: IncidentFilterSet, known: Iterable[str] = FILTERS
) -> dict[str, list[str]]:
    """Why the query string cannot be answered, by parameter; empty when it can."""
    known = set(known)
    unknown = sorted(name for name in params if name not in known)
    if unknown:
        return {name: [unknown_parameter(name, known)] for name in unknown}
    return {} if filterset.is_valid() else dict(filterset.errors)


def public_selection(
    params: QueryDict, *, default_status: Sequence[str] = DEFAULT_STATUS
) -> IncidentQuerySet:
    """The public incidents the query string selects (published ones unless it names a
    status, or `default_status`); BadSelection when it cannot be answered."""
    filterset = IncidentFilterSet(params, Incident.objects.public(), default_status=default_status)
    if errors := selection_errors(params, filterset):
        raise BadSelection(errors)
    return filterset.qs


def selection_query(params: QueryDict) -> str:
    """The query string's filters alone (no paging, no empty values), as a query string."""
    filters = QueryDict(mutable=True)
    for name, values in params.lists():
        if name in FILTERS and any(values):
            filters.setlist(name, [value for value in values if value])
    return filters.urlencode()


def refusal(error: BadSelection) -> HttpResponseBadRequest:
    """A 400 naming each parameter that cannot be answered, for a file or a feed (a page shows
    the same messages in its banner, the API in its JSON body)."""
    return HttpResponseBadRequest(f"{error}\n", content_type="text/plain; charset=utf-8")
