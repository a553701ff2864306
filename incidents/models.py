from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Upper

from core import bulk_writes, validators
from core.models import (
    AuditTrail,
    ConstraintMessagesOnFields,
    TimeStampedModel,
    check_constraint,
    choices_constraint,
)
from geo import gazetteer
from incidents import taxonomy
from incidents.querysets import IncidentQuerySet
from incidents.taxonomy import (
    ActorRole,
    ActorType,
    Attribution,
    Claim,
    Confidence,
    Damage,
    DatePrecision,
    GeoPrecision,
    Outcome,
    RelationKind,
    Side,
    SourceType,
    Stance,
    Status,
    ViolenceType,
    Weapon,
)

CLAIMS = frozenset(Claim.values)
# Incident columns kept by incidents.search and incidents.provenance, never by Incident.save().
DERIVED_FIELDS = frozenset({"search_document", "search_vector", "independent_sources"})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class Tag(models.Model):
    """A free label (a campaign, a theme) that incidents can be filtered by."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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


class Source(TimeStampedModel):
    """A document that reports incidents: an article, a statement, a dataset, an image."""

    title = models.CharField(max_length=500)
    url = models.URLField("URL", max_length=1000, blank=True)
    publisher = models.CharField(max_length=200)
    author = models.CharField(max_length=200, blank=True)
    published_at = models.DateField("publication date", null=True, blank=True)
    language = models.CharField(
        max_length=3, blank=True, help_text="ISO 639-1 code, e.g. en, ar, fa."
    )
    source_type = models.CharField("type", max_length=30, choices=SourceType.choices)
    republished_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="republications",
        help_text="The source this one copies or republishes.",
    )
    originator = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="originated_sources",
        help_text="Who made the claim this source reports (e.g. the author of a statement).",
    )
    archive_url = models.URLField("archive URL", max_length=1000, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    capture = models.FileField(
        "captured copy",
        upload_to="captures/%Y/%m/",
        blank=True,
        help_text="The document as it was captured (PDF, HTML, image); its SHA-256 is "
        "computed on upload.",
    )
    content_sha256 = models.CharField("content SHA-256", max_length=64, blank=True, editable=False)
    # Sources that go back to the same origin share a key, so that an incident's independent
    # sources can be counted: "actor:<id>" for a claim by an originator, else "source:<id>"
    # of the first publication. Written by incidents.provenance.
    independence_key = models.CharField(max_length=30, blank=True, editable=False)

    history = AuditTrail()

    class Meta:
        ordering = ["-published_at", "title"]
        indexes = [
            models.Index(fields=["url"], name="source_url"),
            # The `publisher` filter matches case-insensitively.
            models.Index(Upper("publisher"), name="source_publisher_upper"),
        ]
        constraints = [choices_constraint("source_type", SourceType, name="source_type_valid")]

    def __str__(self) -> str:
        date = f", {self.published_at:%Y-%m-%d}" if self.published_at else ""
        return f"{self.publisher}: {self.title}{date}"

    def clean(self) -> None:
        super().clean()
        if self.language and not _is_language_code(self.language):
            raise ValidationError({"language": f"{self.language} is not an ISO 639-1 code."})
        if self.pk and self.republished_from_id == self.pk:
            raise ValidationError({"republished_from": "A source cannot republish itself."})

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "capture" in update_fields:
            self._hash_capture()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "content_sha256"}
        super().save(*args, **kwargs)

    def _hash_capture(self) -> None:
        """Record the SHA-256 of a newly attached capture; no capture, no hash.

        Only a new file is hashed: hashing the stored one again would take in any later
        change to it, which the recorded hash is there to reveal.
        """
        from incidents.provenance import sha256_of

        if not self.capture:
            self.content_sha256 = ""
        elif not self.capture._committed:  # an upload, stored by this save
            self.content_sha256 = sha256_of(self.capture)
        elif self._state.adding or self.capture.name != self._stored_capture_name():
            try:
                with self.capture.open("rb") as file:  # stored already, e.g. by capture.save()
                    self.content_sha256 = sha256_of(file)
            except FileNotFoundError:
                self.content_sha256 = ""  # nothing to vouch for; verifying says it is missing

    def _stored_capture_name(self) -> str | None:
        return Source.objects.filter(pk=self.pk).values_list("capture", flat=True).first()


def _is_language_code(code: str) -> bool:
    import pycountry

    return pycountry.languages.get(alpha_2=code.lower()) is not None


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
        if not counts:
            return {}
        with transaction.atomic():
            cls.objects.bulk_create(
                [cls(prefix=prefix) for prefix in counts], ignore_conflicts=True
            )
            counters = list(cls.objects.select_for_update().filter(prefix__in=counts))
            reserved = {}
            for counter in counters:
                first = max(counter.last, (after or {}).get(counter.prefix, 0)) + 1
                counter.last = first + counts[counter.prefix] - 1
                reserved[counter.prefix] = [
                    f"{counter.prefix}-{number:05d}" for number in range(first, counter.last + 1)
                ]
            bulk_writes.update(counters, ["last"])  # bulk_update's CASE per prefix costs more
        return reserved

    @classmethod
    def reserve_up_to(cls, prefix: str, number: int) -> None:
        """Make sure ids up to `number` (e.g. imported ones) are never handed out."""
        with transaction.atomic():
            counter, _ = cls.objects.select_for_update().get_or_create(prefix=prefix)
            if counter.last < number:
                cls.objects.filter(pk=counter.pk).update(last=number)


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
    # incidents.provenance.
    independent_sources = models.PositiveSmallIntegerField(default=0, editable=False)
    # Raised by every save: the API's ETag and the admin's check for concurrent edits.
    version = models.PositiveIntegerField(default=1, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="incidents")

    actors = models.ManyToManyField(Actor, through="IncidentActor", related_name="incidents")
    sources = models.ManyToManyField(Source, through="Citation", related_name="incidents")

    # Title, summary, place and actor names in one text for `?q=`; written by incidents.search.
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

    objects = IncidentQuerySet.as_manager()
    history = AuditTrail(excluded_fields=["search_document", "search_vector"])

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
            check_constraint(
                Q(fatalities_low__isnull=True)
                | Q(fatalities_best__isnull=True)
                | Q(fatalities_low__lte=F("fatalities_best")),
                name="incident_fatalities_low_le_best",
                message="The low fatality estimate cannot exceed the best estimate.",
            ),
            check_constraint(
                Q(fatalities_best__isnull=True)
                | Q(fatalities_high__isnull=True)
                | Q(fatalities_best__lte=F("fatalities_high")),
                name="incident_fatalities_best_le_high",
                message="The best fatality estimate cannot exceed the high estimate.",
            ),
            check_constraint(
                Q(fatalities_low__isnull=True)
                | Q(fatalities_high__isnull=True)
                | Q(fatalities_low__lte=F("fatalities_high")),
                name="incident_fatalities_low_le_high",
                message="The low fatality estimate cannot exceed the high estimate.",
            ),
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
                # Derived columns are written by their own modules after related rows change;
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


class IncidentActor(models.Model):
    """An actor's part in an incident, and how sure the attribution is."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="participants")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=12, choices=ActorRole.choices)
    attribution = models.CharField(
        max_length=10, choices=Attribution.choices, default=Attribution.CONFIRMED
    )
    side = models.CharField(max_length=1, choices=Side.choices, blank=True)

    history = AuditTrail(indexed=("incident",))

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


class Citation(models.Model):
    """A source's support for (or contradiction of) an incident, with the words it rests on."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(help_text="The excerpt of the source that supports the record.")
    locator = models.CharField(
        max_length=100, blank=True, help_text="Paragraph, page or timestamp in the source."
    )
    supports = models.JSONField(
        default=list,
        blank=True,
        help_text="What the quote supports: " + ", ".join(Claim.values) + ".",
    )
    stance = models.CharField(max_length=12, choices=Stance.choices, default=Stance.SUPPORTS)

    history = AuditTrail(indexed=("incident",))

    class Meta:
        ordering = ["incident", "id"]
        constraints = [choices_constraint("stance", Stance, name="citation_stance_valid")]

    def __str__(self) -> str:
        return f"{self.source} — “{self.quote[:60]}”"

    def clean(self) -> None:
        super().clean()
        unknown = [claim for claim in self.supports or [] if claim not in CLAIMS]
        if not isinstance(self.supports, list) or unknown:
            raise ValidationError({"supports": "Choose from: " + ", ".join(Claim.values) + "."})


class IncidentRelation(models.Model):
    """A directed link between incidents: a response, a series, a duplicate."""

    from_incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="relations_from"
    )
    to_incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="relations_to")
    kind = models.CharField(max_length=16, choices=RelationKind.choices)

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
