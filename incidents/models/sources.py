"""Sources, and the citations that tie them to incidents."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper

from core.models import AuditTrail, TimeStampedModel, choices_constraint
from incidents.captures import sha256_of
from incidents.models.actors import Actor
from incidents.querysets import LinkedRecordManager
from incidents.source_urls import normalised_url
from incidents.taxonomy import Claim, SourceType, Stance

CLAIMS = frozenset(Claim.values)


class Source(TimeStampedModel):
    """A document that reports incidents: an article, a statement, a dataset, an image."""

    title = models.CharField(max_length=500)
    url = models.URLField("URL", max_length=1000, blank=True)
    # The URL as source_urls.normalised_url spells it, which two spellings of it share.
    url_key = models.CharField(max_length=1000, blank=True, editable=False, db_index=True)
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
    # of the first publication. Written by incidents.derived.
    independence_key = models.CharField(max_length=30, blank=True, editable=False)

    history = AuditTrail()

    objects = LinkedRecordManager()  # public(): see LinkedRecordQuerySet

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
        self.url_key = normalised_url(self.url)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "url" in update_fields:
            kwargs["update_fields"] = update_fields = {*update_fields, "url_key"}
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
        if not self.capture:
            self.content_sha256 = ""
        elif not self.capture._committed:  # type: ignore[attr-defined]  # an upload, not yet stored
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


class Citation(models.Model):
    """A source's support for (or contradiction of) an incident, with the words it rests on."""

    incident = models.ForeignKey("Incident", on_delete=models.CASCADE, related_name="citations")
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
