"""`Source.independence_key` and `Incident.independent_sources`: sources counted once per origin.

Two outlets that report the same statement make one claim, not two: Track Persia
republishing Al Arabiya, which quotes a coalition statement, is the coalition's word once.
So every source has an independence key, and sources with the same key count once:

- walk from the source up its `republished_from` chain; the first `originator` found
  (the source's own first) gives "actor:<id>": the claim is that actor's;
- with no originator anywhere on the chain, "source:<id>" of the chain's first publication
  (the one that republishes nothing). A chain that loops back on itself has no first
  publication; the lowest id in the loop stands for it.

An incident's `independent_sources` is the number of distinct keys among the sources of its
supporting citations; contradicting citations do not count. A source whose key has not been
written yet (rows bulk-inserted without signals) counts as its own origin, which is right
for any source that republishes nothing and names no originator. The count is defined
twice, side by side: as SQL (`independent_sources_sql`) and in memory
(`independent_sources_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.apps import apps as global_apps
from django.db.models import Case, CharField, Count, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat

from incidents.taxonomy import Stance

# What a source's key depends on.
CHAIN_FIELDS = ("republished_from_id", "originator_id")
# What decides whether a citation counts, and where.
CITATION_FIELDS = ("incident_id", "source_id", "stance")
# The links of a source to the records whose deletion changes its key.
LINK_FIELDS = {"incidents.source": "republished_from", "incidents.actor": "originator"}

# A source's place in its chain: (republished_from id, originator id).
Link = tuple[int | None, int | None]


def independence_key(source_id: int, links: Mapping[int, Link]) -> str:
    """The independence key of a source, given the links of it and of its ancestors."""
    chain: list[int] = []
    current: int | None = source_id
    while current is not None and current in links and current not in chain:
        chain.append(current)
        republished_from, originator = links[current]
        if originator is not None:
            return f"actor:{originator}"
        current = republished_from
    if current in chain:  # a loop
        return f"source:{min(chain[chain.index(current) :])}"
    return f"source:{chain[-1]}"


def independent_sources_of(supporting_sources: Iterable) -> int:
    """The number of independent sources of an incident citing `supporting_sources` in
    support, from records in memory."""
    return len({source.independence_key or f"source:{source.pk}" for source in supporting_sources})


def independent_sources_sql(apps=global_apps) -> Coalesce:
    """The SQL expression of an incident's number of independent supporting sources (over an
    Incident row). `apps` lets a data migration pass its historical models."""
    Citation = apps.get_model("incidents", "Citation")
    # A key not written yet stands for the source itself (see the module's docstring).
    key = Case(
        When(
            source__independence_key="",
            then=Concat(Value("source:"), Cast("source_id", CharField())),
        ),
        default="source__independence_key",
        output_field=CharField(),
    )
    supporting = (
        Citation._default_manager.filter(incident_id=OuterRef("pk"), stance=Stance.SUPPORTS)
        .order_by()
        .values("incident_id")
        .annotate(count=Count(key, distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(supporting), 0)
