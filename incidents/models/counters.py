"""Public ids: `ISO3-YEAR-NNNNN`, never handed out twice."""

from __future__ import annotations

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
    def reserve_many(
        cls, counts: dict[str, int], *, after: dict[str, int] | None = None
    ) -> dict[str, list[str]]:
        """reserve() for many prefixes at once (prefix → how many), in three queries; the
        ids are numbered after `after[prefix]` when it is higher (the highest an import's
        file gives)."""
        firsts = cls.reserve_blocks(counts, after=after)
        return {
            prefix: [f"{prefix}-{number:05d}" for number in range(first, first + counts[prefix])]
            for prefix, first in firsts.items()
        }

    @classmethod
    def reserve_blocks(
        cls, counts: dict[str, int], *, after: dict[str, int] | None = None
    ) -> dict[str, int]:
        """reserve_many(), answering with the first number of each prefix's block instead of
        every id: for blocks of millions."""
        if not counts:
            return {}
        with transaction.atomic():
            PublicIdCounter.objects.bulk_create(
                [PublicIdCounter(prefix=prefix) for prefix in counts], ignore_conflicts=True
            )
            counters = list(PublicIdCounter.objects.select_for_update().filter(prefix__in=counts))
            firsts = {}
            for counter in counters:
                first = max(counter.last, (after or {}).get(counter.prefix, 0)) + 1
                counter.last = first + counts[counter.prefix] - 1
                firsts[counter.prefix] = first
            bulk_writes.update(counters, ["last"])  # bulk_update's CASE per prefix costs more
        return firsts

    @classmethod
    def reserve_up_to(cls, prefix: str, number: int) -> None:
        """Make sure ids up to `number` (e.g. imported ones) are never handed out."""
        with transaction.atomic():
            counter, _ = cls.objects.select_for_update().get_or_create(prefix=prefix)
            if counter.last < number:
                cls.objects.filter(pk=counter.pk).update(last=number)
