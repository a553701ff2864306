"""Public ids: `ISO3-YEAR-NNNNN`, never handed out twice."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction

from core import bulk_writes


class PublicIdCounter(models.Model):
    """The last sequence number handed out per `ISO3-YEAR` prefix, so none is ever reused."""

    prefix = models.CharField(max_length=8, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"

    @classmethod
    def next_public_id(cls, prefix: str) -> str:
        return cls.reserve(prefix, 1)[0]

    @classmethod
    def reserve(cls, prefix: str, count: int) -> list[str]:
        """Hand out `count` consecutive public ids for `prefix` (for bulk creation)."""
        return cls.reserve_many({prefix: count})[prefix]

    @classmethod
    def reserve_many(cls, counts: dict[str, int]) -> dict[str, list[str]]:
        """reserve() for many prefixes at once (prefix → how many), in three queries."""
        firsts = cls.reserve_blocks(counts)
        return {
            prefix: [f"{prefix}-{number:05d}" for number in range(first, first + counts[prefix])]
            for prefix, first in firsts.items()
        }

    @classmethod
    def reserve_blocks(cls, counts: dict[str, int]) -> dict[str, int]:
        """reserve_many(), answering with the first number of each prefix's block instead of
        every id: for blocks of millions."""
        if not counts:
            return {}
        with transaction.atomic():
            counters = cls._locked(counts)
            firsts = {}
            for counter in counters:
                first = counter.last + 1
                counter.last = first + counts[counter.prefix] - 1
                firsts[counter.prefix] = first
            bulk_writes.update(counters, ["last"])  # bulk_update's CASE per prefix costs more
        return firsts

    @classmethod
    def reserve_up_to(cls, prefix: str, number: int) -> None:
        """Make sure ids up to `number` (e.g. imported ones) are never handed out."""
        cls.reserve_up_to_many({prefix: number})

    @classmethod
    def reserve_up_to_many(cls, highest: dict[str, int]) -> None:
        """reserve_up_to() for many prefixes at once (prefix → number), in three queries."""
        if not highest:
            return
        with transaction.atomic():
            behind = [
                counter
                for counter in cls._locked(highest)
                if counter.last < highest[counter.prefix]
            ]
            for counter in behind:
                counter.last = highest[counter.prefix]
            bulk_writes.update(behind, ["last"])

    @classmethod
    def _locked(cls, prefixes: Iterable[str]) -> list[PublicIdCounter]:
        """The counters of `prefixes` (created at 0 when missing), locked until the
        transaction ends."""
        prefixes = list(prefixes)
        counters = PublicIdCounter.objects
        counters.bulk_create([PublicIdCounter(prefix=p) for p in prefixes], ignore_conflicts=True)
        return list(counters.select_for_update().filter(bulk_writes.among("prefix", prefixes)))
