"""Synthetic incidents for benchmarks, with the skew of real conflict data.

A few conflict countries dominate and a long tail follows; recent years are denser; ACLED
types come in realistic proportions; actors, places and sources are drawn from shared pools
with Zipf-like reuse, as in real datasets where a handful of armed groups and outlets account
for most records. Every row satisfies the models' validation and database constraints.

Everything is drawn from seeded random generators, so a seed always gives the same incidents
(their public ids aside: those come from the counter and are never reused). The pools of
places, actors, sources and tags come from a fixed seed, so that later runs reuse them
instead of piling up new ones. Rows are written in batches (through COPY on PostgreSQL), each
in its own transaction, so memory stays flat whatever the count.
"""

from __future__ import annotations

import itertools
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator

from django.db import transaction

from bench.generator.planned import plan_incident
from bench.generator.pools import PoolSizes, build_pools
from bench.generator.shape import COUNTRIES, COUNTRY_DRAW, DATASET, YEAR_DRAW
from bench.generator.writing import BatchWriter, Report, analyze, keeping_timestamps
from incidents import derived
from incidents.models import Incident, PublicIdCounter

__all__ = ["Report", "delete_synthetic", "generate"]

# Read when a run starts, so that tests can make the pools smaller.
PLACE_POOL_SIZE = 4000
ARMED_GROUP_POOL_SIZE = 2600
SOURCE_POOL_SIZE = 2500


def generate(
    count: int,
    *,
    seed: int = 0,
    batch_size: int = 5000,
    progress: Callable[[Report], None] | None = None,
) -> Report:
    """Create `count` synthetic incidents, the same ones for the same seed."""
    started = time.monotonic()
    report = Report()
    pools = build_pools(PoolSizes(PLACE_POOL_SIZE, ARMED_GROUP_POOL_SIZE, SOURCE_POOL_SIZE))
    public_ids = _reserve_public_ids(count, seed)
    rng = random.Random(f"{seed}-incidents")
    where_and_when = _where_and_when(count, seed)
    writer = BatchWriter(report, progress, started)
    drawn = 0
    with keeping_timestamps(Incident):
        try:
            while drawn < count:
                size = min(batch_size, count - drawn)
                writer.write(
                    [
                        plan_incident(rng, pools, *next(where_and_when), public_ids)
                        for _ in range(size)
                    ]
                )
                drawn += size
        finally:
            writer.close()
    # Each batch wrote its public records as it went; one set-based pass finds any missing.
    derived.refresh_stale_public_records()
    analyze()
    report.seconds = time.monotonic() - started
    return report


def delete_synthetic(batch_size: int = 5000) -> int:
    """Delete the synthetic incidents; the shared pools stay, for the next run to reuse."""
    synthetic = Incident.objects.filter(dataset=DATASET)
    deleted = 0
    # In batches of ids, so that the deletion collector never holds every row at once.
    while ids := list(synthetic.values_list("pk", flat=True)[:batch_size]):
        # Synthetic records link to no other: nothing but their own rows to refresh.
        with transaction.atomic(), derived.deferred():
            Incident.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted


def _where_and_when(count: int, seed: int) -> Iterator[tuple[int, int]]:
    """Country (as an index into COUNTRIES) and year of each incident.

    They come from a random stream of their own, so that the public ids can be counted and
    reserved before the incidents themselves are drawn.
    """
    rng = random.Random(f"{seed}-where-and-when")
    for _ in range(count):
        yield COUNTRY_DRAW.draw(rng), YEAR_DRAW.draw(rng)


def _reserve_public_ids(count: int, seed: int) -> dict[str, Iterator[int]]:
    """One block of sequence numbers per ISO3-YEAR prefix, reserved before any insert."""
    needed = Counter(
        f"{COUNTRIES[country].iso3}-{year}" for country, year in _where_and_when(count, seed)
    )
    firsts = PublicIdCounter.reserve_blocks(dict(needed))
    return {prefix: itertools.count(first) for prefix, first in firsts.items()}
