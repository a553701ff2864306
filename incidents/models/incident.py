"""Incidents, their tags and the links between them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from core.models import (
    AuditTrail,
    ConstraintMessagesOnFields,
    TimeStampedModel,
    check_constraint,
    choices_constraint,
)
from incidents import taxonomy
from incidents.models.actors import Actor
from incidents.models.counters import PublicIdCounter
from incidents.models.sources import Source
from incidents.querysets import IncidentManager, IncidentRelationManager
from incidents.taxonomy import (
    Confidence,
    Damage,
    DatePrecision,
    GeoPrecision,
    Outcome,
    RelationKind,
    Status,
    ViolenceType,
    Weapon,
)

# Incident columns derived from other rows (its place's and actors' names, its sources'
# origins): incidents.derived writes them, Incident.save() never does.
# The search columns serve `?q=` alone: not kept in the history, not read for display.
SEARCH_FIELDS = ("search_document", "search_vector")
DERIVED_FIELDS = (*SEARCH_FIELDS, "independent_sources")


class Tag(models.Model):
    """A free label (a campaign, a theme) that incidents can be filtered by."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def estimates_ordered(lower: str, upper: str) -> models.CheckConstraint:
    """The `lower` fatality estimate is at most the `upper` one, when both are known."""
    return check_constraint(
        Q(**{f"fatalities_{lower}__isnull": True})
        | Q(**{f"fatalities_{upper}__isnull": True})
        | Q(**{f"fatalities_{lower}__lte": F(f"fatalities_{upper}")}),
        name=f"incident_fatalities_{lower}_le_{upper}",
        message=f"The {lower} fatality estimate cannot exceed the {upper} estimate.",
    )


class Incident(ConstraintMessagesOnFields, TimeStampedModel):
    """One armed-conflict event: what happened, when, where, who, and how we know."""

    public_id = models.CharField(
        "public id",
        max_length=20,
        unique=True,
        editable=False,
        help_text="Stable identifier for citation, e.g. SYR-2022-00001.",
    )
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True, help_text="Neutral narrative (ACLED “notes”).")

    date_start = models.DateField("start date")
    date_end = models.DateField("end date", blank=True, help_text="Leave empty for one day.")
    date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )

    event_type = models.CharField(max_length=40, choices=taxonomy.EVENT_TYPE_CHOICES)
    sub_event_type = models.CharField(max_length=40, choices=taxonomy.SUB_EVENT_TYPE_CHOICES)
    violence_type = models.PositiveSmallIntegerField(
        "UCDP type of violence", choices=ViolenceType.choices, null=True, blank=True
    )

    weapon = models.CharField(max_length=20, choices=Weapon.choices, default=Weapon.UNKNOWN)
    munition_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Rounds, rockets or drones; empty when not reported."
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.UNKNOWN)
    damage = models.CharField(max_length=10, choices=Damage.choices, default=Damage.UNKNOWN)

    location = models.ForeignKey("geo.Location", on_delete=models.PROTECT, related_name="incidents")
    geo_precision = models.PositiveSmallIntegerField(
        "geographic precision", choices=GeoPrecision.choices, default=GeoPrecision.EXACT
    )
    origin_location = models.ForeignKey(
        "geo.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_fired_from",
        help_text="Where the fire came from, when known.",
    )

    # Empty means not reported; 0 means reported as none.
    fatalities_best = models.PositiveIntegerField("fatalities (best)", null=True, blank=True)
    fatalities_low = models.PositiveIntegerField("fatalities (low)", null=True, blank=True)
    fatalities_high = models.PositiveIntegerField("fatalities (high)", null=True, blank=True)
    injured = models.PositiveIntegerField(null=True, blank=True)

    confidence = models.CharField(max_length=15, choices=Confidence.choices)
    # Indexed by incident_status_date, whose first column it is: an index of its own (two, with
    # the one Django adds for LIKE) would only slow every write.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The editorial workflow (incidents.workflow) writes these three.
    review_note = models.TextField(
        "review comment",
        blank=True,
        help_text="The editor's comment when a record is sent back to its author.",
    )
    retraction_reason = models.TextField(
        blank=True, help_text="Why the record was withdrawn; shown on its public page."
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        help_text="The record this one was merged into as the same event.",
    )
    # Sources that support the record and do not go back to the same origin; written by
    # incidents.derived.
    independent_sources = models.PositiveSmallIntegerField(default=0, editable=False)
    # Raised by every save: the API's ETag and the admin's check for concurrent edits.
    version = models.PositiveIntegerField(default=1, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="incidents")

    actors = models.ManyToManyField(Actor, through="IncidentActor", related_name="incidents")
    sources = models.ManyToManyField(Source, through="Citation", related_name="incidents")

    # Title, summary, place and actor names in one text for `?q=`; written by incidents.derived.
    search_document = models.TextField(editable=False, blank=True, default="")
    # Its tsvector, stored and GIN-indexed on PostgreSQL (migration 0005); unused elsewhere.
    search_vector = SearchVectorField(null=True, editable=False)

    # Where an imported incident came from, so that importing the same file again updates it.
    dataset = models.CharField(max_length=40, blank=True)
    dataset_event_id = models.CharField("event id in dataset", max_length=60, blank=True)
    # Columns of the source dataset that Tessera has no field for (e.g. UCDP's deaths by side),
    # kept as given so that an export in the dataset's layout gives them back.
    dataset_fields = models.JSONField("other dataset columns", default=dict, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = IncidentManager()
    history = AuditTrail(excluded_fields=list(SEARCH_FIELDS))

    # Judgements an analyst makes from the sources: the admin's forms and the API ask for them
    # on every new record rather than presume one. (The fields' defaults serve code that builds
    # records itself: the demo data, the generator.)
    JUDGEMENTS: ClassVar[tuple[str, ...]] = ("date_precision", "geo_precision", "confidence")

    constraint_fields = {
        "incident_dates_ordered": "date_end",
        "incident_sub_event_in_event_type": "sub_event_type",
        "incident_fatalities_low_le_best": "fatalities_low",
        "incident_fatalities_best_le_high": "fatalities_high",
        "incident_fatalities_low_le_high": "fatalities_high",
        "incident_geo_precision_valid": "geo_precision",
        "incident_violence_type_valid": "violence_type",
        "incident_date_precision_valid": "date_precision",
        "incident_weapon_valid": "weapon",
        "incident_outcome_valid": "outcome",
        "incident_damage_valid": "damage",
        "incident_confidence_valid": "confidence",
        "incident_status_valid": "status",
        "incident_retraction_has_reason": "retraction_reason",
        "incident_duplicate_is_retracted": "duplicate_of",
    }

    class Meta:
        ordering = ["-date_start", "-id"]
        permissions = [("publish_incident", "Can publish or retract incidents")]
        indexes = [
            models.Index(fields=["date_start", "date_end"], name="incident_dates"),
            models.Index(fields=["event_type", "sub_event_type"], name="incident_types"),
            models.Index(fields=["status", "-date_start", "-id"], name="incident_status_date"),
            # `ordering=fatalities` and `-fatalities` have PostgreSQL-only indexes (migration
            # 0003): SQLite cannot index NULLS LAST.
        ]
        constraints = [
            check_constraint(
                Q(date_end__gte=F("date_start")),
                name="incident_dates_ordered",
                message="The end date cannot be before the start date.",
            ),
            check_constraint(
                taxonomy.sub_event_belongs_to_event_type(),
                name="incident_sub_event_in_event_type",
                message="The sub-event type does not belong to the event type.",
            ),
            estimates_ordered("low", "best"),
            estimates_ordered("best", "high"),
            estimates_ordered("low", "high"),
            choices_constraint("geo_precision", GeoPrecision, name="incident_geo_precision_valid"),
            choices_constraint(
                "violence_type", ViolenceType, name="incident_violence_type_valid", nullable=True
            ),
            choices_constraint(
                "date_precision", DatePrecision, name="incident_date_precision_valid"
            ),
            choices_constraint("weapon", Weapon, name="incident_weapon_valid"),
            choices_constraint("outcome", Outcome, name="incident_outcome_valid"),
            choices_constraint("damage", Damage, name="incident_damage_valid"),
            choices_constraint("confidence", Confidence, name="incident_confidence_valid"),
            choices_constraint("status", Status, name="incident_status_valid"),
            check_constraint(
                ~Q(status=Status.RETRACTED) | ~Q(retraction_reason=""),
                name="incident_retraction_has_reason",
                message="Say why the incident is retracted.",
            ),
            check_constraint(
                Q(duplicate_of__isnull=True) | Q(status=Status.RETRACTED),
                name="incident_duplicate_is_retracted",
                message="A record merged into another is retracted.",
            ),
            models.UniqueConstraint(
                fields=["dataset", "dataset_event_id"],
                condition=~Q(dataset_event_id=""),
                name="incident_unique_dataset_event",
                violation_error_message="Another incident already has this dataset event id.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id}: {self.title}" if self.public_id else self.title

    def clean(self) -> None:
        super().clean()
        if self.date_start and not self.date_end:
            self.date_end = self.date_start
        if self.origin_location_id and self.origin_location_id == self.location_id:
            raise ValidationError(
                {"origin_location": "The point of origin is the place of the incident itself."}
            )
        if self.pk and self.duplicate_of_id == self.pk:
            raise ValidationError({"duplicate_of": "A record cannot duplicate itself."})

    def save(self, *args, **kwargs) -> None:
        if self.date_start and not self.date_end:
            self.date_end = self.date_start
        if not self.public_id:
            self.public_id = PublicIdCounter.next_public_id(self.public_id_prefix())
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            else:
                # Derived columns are written by incidents.derived after related rows change;
                # the copy in memory (or in a reverted version) may be out of date.
                kwargs["update_fields"] = [
                    field.name
                    for field in self._meta.concrete_fields
                    if not field.primary_key and field.name not in DERIVED_FIELDS
                ]
        super().save(*args, **kwargs)

    @property
    def etag(self) -> str:
        """The HTTP entity tag of this version (a strong validator, for If-Match)."""
        return f'"{self.public_id}.{self.version}"'

    def public_id_prefix(self) -> str:
        return f"{self.location.country or 'XXX'}-{self.date_start:%Y}"


class IncidentRelation(models.Model):
    """A directed link between incidents: a response, a series, a duplicate."""

    from_incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="relations_from"
    )
    to_incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="relations_to")
    kind = models.CharField(max_length=16, choices=RelationKind.choices)

    objects = IncidentRelationManager()
    history = AuditTrail(indexed=("from_incident", "to_incident"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_incident", "to_incident", "kind"],
                name="incident_relation_unique",
                violation_error_message="These incidents are already linked this way.",
            ),
            check_constraint(
                ~Q(from_incident=F("to_incident")),
                name="incident_relation_not_self",
                message="An incident cannot be related to itself.",
            ),
            choices_constraint("kind", RelationKind, name="incident_relation_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.from_incident} {self.kind} {self.to_incident}"

    def clean(self) -> None:
        super().clean()
        # The CHECK constraint says the same, but a form without from_incident skips it.
        if self.from_incident_id and self.from_incident_id == self.to_incident_id:
            raise ValidationError({"to_incident": "An incident cannot be related to itself."})
