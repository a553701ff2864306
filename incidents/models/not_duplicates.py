"""Decisions that two incidents which look alike are different events."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.models import check_constraint
from incidents.models.incident import Incident


class NotDuplicate(models.Model):
    """Someone judged that `first` and `second` are not the same event, so the pair is never
    suggested as a duplicate again. The pair is unordered: `first` is the lower id."""

    first = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "not-the-same-event decision"
        constraints = [
            models.UniqueConstraint(
                fields=["first", "second"],
                name="not_duplicate_unique_pair",
                violation_error_message="These incidents are already judged different events.",
            ),
            check_constraint(
                Q(first__lt=F("second")),
                name="not_duplicate_pair_ordered",
                message="A pair names the lower id first, and two different incidents.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} is not the same event as {self.second_id}"

    @classmethod
    def record(cls, incident: Incident, others: Iterable[int], *, user) -> None:
        """Remember that `incident` is none of the events `others` (ids) records."""
        pairs = {tuple(sorted((incident.pk, other))) for other in others if other != incident.pk}
        if not pairs:  # most saves judge nothing
            return
        known = set(
            cls.objects.filter(Q(first=incident) | Q(second=incident)).values_list(
                "first_id", "second_id"
            )
        )
        NotDuplicate.objects.bulk_create(
            [
                NotDuplicate(first_id=first, second_id=second, decided_by=user)
                for first, second in sorted(pairs - known)
            ]
        )

    @classmethod
    def decided_with(cls, incident: Incident) -> models.QuerySet:
        """The ids of the incidents judged not to be the same event as `incident`."""
        pairs = cls.objects.filter(Q(first=incident) | Q(second=incident))
        return pairs.annotate(
            other=models.Case(models.When(first=incident, then=F("second")), default=F("first"))
        ).values("other")
