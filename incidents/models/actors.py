"""Actors, and their parts in incidents."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core import validators
from core.models import AuditTrail, TimeStampedModel, check_constraint, choices_constraint
from geo import gazetteer
from incidents.querysets import LinkedRecordManager
from incidents.taxonomy import ActorRole, ActorType, Attribution, Side


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class Actor(TimeStampedModel):
    """An armed group, state force or other party that takes part in incidents."""

    name = models.CharField(max_length=200, unique=True)
    aliases = models.TextField(blank=True, help_text="Other names and spellings, one per line.")
    actor_type = models.PositiveSmallIntegerField(
        "actor type", choices=ActorType.choices, help_text="ACLED inter code."
    )
    country = models.CharField(
        max_length=3,
        choices=gazetteer.country_choices,
        blank=True,
        help_text="Country the actor belongs to (ISO 3166-1 alpha-3), if any.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
        help_text="The larger organisation this actor is part of.",
    )
    backed_by = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="backs",
        help_text="Actors that support this one (arms, funds, direction).",
    )
    wikidata_id = models.CharField(
        "Wikidata id", max_length=20, blank=True, validators=[validators.wikidata_id]
    )
    ucdp_id = models.PositiveIntegerField("UCDP actor id", null=True, blank=True)

    history = AuditTrail()

    objects = LinkedRecordManager()  # public(): see LinkedRecordQuerySet

    class Meta:
        ordering = ["name"]
        constraints = [choices_constraint("actor_type", ActorType, name="actor_type_valid")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "An actor cannot be part of itself."})

    @property
    def alias_list(self) -> list[str]:
        return _lines(self.aliases)


class IncidentActor(models.Model):
    """An actor's part in an incident, and how sure the attribution is."""

    incident = models.ForeignKey("Incident", on_delete=models.CASCADE, related_name="participants")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=12, choices=ActorRole.choices)
    attribution = models.CharField(
        max_length=10, choices=Attribution.choices, default=Attribution.CONFIRMED
    )
    side = models.CharField(max_length=1, choices=Side.choices, blank=True)

    history = AuditTrail(indexed=("incident",))

    # See Incident.JUDGEMENTS: how sure an attribution is, the analyst says.
    JUDGEMENTS: ClassVar[tuple[str, ...]] = ("attribution",)

    class Meta:
        verbose_name = "actor in incident"
        verbose_name_plural = "actors"
        ordering = ["incident", "role", "actor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "actor", "role"],
                name="incident_actor_role_unique",
                violation_error_message="This actor already has this role in the incident.",
            ),
            choices_constraint("role", ActorRole, name="incident_actor_role_valid"),
            choices_constraint("attribution", Attribution, name="incident_actor_attribution_valid"),
            check_constraint(
                Q(side__in=["", *Side.values]),
                name="incident_actor_side_valid",
                message="side must be A, B or empty.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.role}, {self.attribution})"
