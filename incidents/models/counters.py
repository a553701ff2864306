"""Public ids: `ISO3-YEAR-NNNNN`, never handed out twice."""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import F


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
        with transaction.atomic():
            counter, _ = cls.objects.select_for_update().get_or_create(prefix=prefix)
            cls.objects.filter(pk=counter.pk).update(last=F("last") + count)
            counter.refresh_from_db()
        first = counter.last - count + 1
        return [f"{prefix}-{number:05d}" for number in range(first, counter.last + 1)]

    @classmethod
    def reserve_up_to(cls, prefix: str, number: int) -> None:
        """Make sure ids up to `number` (e.g. imported ones) are never handed out."""
        with transaction.atomic():
            counter, _ = cls.objects.select_for_update().get_or_create(prefix=prefix)
            if counter.last < number:
                cls.objects.filter(pk=counter.pk).update(last=number)
