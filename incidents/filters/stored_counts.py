"""Which selections the stored counts of public incidents (incidents.PublicCount) can answer.

The counts hold the Incident's own columns for their grain, under the same names (dates,
status, place, types). A filter can be answered from them when it narrows by such a column —
its `field_name` starts with a field PublicCount has — and not by a method of its own (text
search, actors, sources, tags); the same filter then runs on the counts' rows unchanged. The
decision is read from the FilterSet's filters, never listed apart, so a new filter on another
column falls back to counting incidents by itself.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django_filters.constants import EMPTY_VALUES
from django_filters.filters import Filter

from incidents.filters.filters import SortFilter, StatusFilter
from incidents.filters.filterset import IncidentFilterSet
from incidents.models import PublicCount


def counts_of(filterset: IncidentFilterSet) -> QuerySet[PublicCount] | None:
    """The groups of stored counts that hold exactly the incidents `filterset` selects (a valid
    FilterSet, as its caller has checked), or None when the counts cannot say: a filter reads
    what they do not hold, or the reader may see records that are not public."""
    if filterset.sees_every_status:
        return None
    applied = [
        (each, value)
        for name, value in filterset.form.cleaned_data.items()
        if _chooses_rows(each := filterset.filters[name], value)
    ]
    if not all(_held(each) for each, _ in applied):
        return None
    groups = PublicCount.objects.all()
    for each, value in applied:
        groups = each.filter(groups, value)
    return groups


def _chooses_rows(each: Filter, value: object) -> bool:
    # The status filter chooses even when empty: its default (published records).
    if isinstance(each, SortFilter):
        return False
    return isinstance(each, StatusFilter) or value not in EMPTY_VALUES


def _held(each: Filter) -> bool:
    return each.method is None and held_by_counts(each.field_name)


def held_by_counts(path: str) -> bool:
    """Whether a lookup path of Incident (`location__country`) reads a column the stored counts
    hold under the same name."""
    try:
        PublicCount._meta.get_field(path.split("__")[0])
    except FieldDoesNotExist:
        return False
    return True
