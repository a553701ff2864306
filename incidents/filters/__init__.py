"""The incident filters: one FilterSet for the API, its exports, the admin list and the export
command, so that the same question gets the same answer everywhere.

Every parameter is validated; a bad value makes the form invalid, which the API answers with
a 400 whose body names the parameter and the admin with its list and the message. Multi-value
parameters take repeated parameters and comma-separated lists alike (`?country=IRQ,SYR` is
`?country=IRQ&country=SYR`), and a row matches any of the values. Without `status`, the rows are
published records (DEFAULT_STATUS) unless the caller asks for every status it may see.

- `fields`: form fields that read one parameter's values;
- `filters`: the kinds of filter (lists, records, places, sorting) and ORDERINGS;
- `filterset`: IncidentFilterSet, one FilterSet per theme (when, what, where, who);
- `stored_counts`: whether the stored counts of public incidents can answer a FilterSet's
  selection (`counts_of`), read from its filters.
"""

from incidents.filters.filters import DEFAULT_ORDERING, ORDERINGS
from incidents.filters.filterset import (
    DEFAULT_STATUS,
    IncidentFilterForm,
    IncidentFilterSet,
    filters_named_in,
    statuses_named_in,
)
from incidents.filters.stored_counts import counts_of, held_by_counts

__all__ = [
    "DEFAULT_ORDERING",
    "DEFAULT_STATUS",
    "ORDERINGS",
    "IncidentFilterForm",
    "IncidentFilterSet",
    "counts_of",
    "filters_named_in",
    "held_by_counts",
    "statuses_named_in",
]
