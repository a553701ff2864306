"""What counting a selection reads: its incidents, or the stored counts of public incidents
(incidents.PublicCount) when they can answer it (incidents.filters `counts_of`).

The facets, the timeline and the map count a `Counted` selection. A query over the stored
groups has the incidents' columns under the same names; where a query over incidents counts
rows, one over groups sums their `count` (`tally`). A facet or a question the groups cannot
answer reads the incidents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.db.models.query import QuerySet

from incidents.filters import IncidentFilterSet, counts_of
from incidents.models import PublicCount


@dataclass(frozen=True)
class Counted:
    """A selection to count: its incidents, the same selection as stored groups (None when
    they cannot answer it), and the filters that chose it (their cleaned values)."""

    incidents: QuerySet
    groups: QuerySet[PublicCount] | None = None
    filters: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, filterset: IncidentFilterSet, *, stored: bool = True) -> Counted:
        """The selection of a valid FilterSet; from the stored counts where they can answer
        it, unless `stored` is False."""
        groups = counts_of(filterset) if stored else None
        return cls(filterset.qs, groups, filterset.form.cleaned_data)

    def rows(self, held: bool = True) -> QuerySet:
        """The groups when there are and they hold what is asked (`held`), else the
        incidents."""
        return self.groups if self.groups is not None and held else self.incidents

    def count(self) -> int:
        rows = self.rows()
        if rows.model is PublicCount:
            return rows.aggregate(total=Coalesce(Sum("count"), 0))["total"]
        return rows.count()


def as_counted(selection: Counted | QuerySet) -> Counted:
    return selection if isinstance(selection, Counted) else Counted(selection)


def tally(rows: QuerySet, *, distinct: bool = False) -> Combinable:
    """How many incidents each group of a query over `rows` stands for."""
    if rows.model is PublicCount:
        return Sum("count")
    return Count("pk", distinct=distinct)
