"""Sources, and the citations that tie them to incidents."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.db import models

from core.models import AuditTrail, TimeStampedModel, choices_constraint
from incidents.captures import sha256_of
from incidents.models.actors import Actor
from incidents.querysets import LinkedRecordManager
from incidents.source_urls import normalised_url
from incidents.taxonomy import Claim, SourceType, Stance

CLAIMS = frozenset(Claim.values)

# The incident's fields that state each claim a citation can support ("participants": its
# actor rows). A field left empty or "unknown" states nothing.
CLAIM_FIELDS: dict[str, tuple[str, ...]] = {
    Claim.DATE: ("date_start",),
    Claim.PLACE: ("location",),
    Claim.ACTORS: ("participants",),
    Claim.CASUALTIES: ("fatalities_best", "fatalities_low", "fatalities_high", "injured"),
    Claim.MUNITIONS: ("weapon", "munition_count"),
    Claim.DAMAGE: ("damage",),
    Claim.OUTCOME: ("outcome",),
}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _any_line(field: str, values: list[str]) -> dict[str, str]:
    """A lookup for a one-per-line text field holding one of `values`, in any case."""
    either = "|".join(re.escape(value) for value in values)
    return {f"{field}__iregex": rf"(^|\n)\s*({either})\s*(\r?\n|$)"}


def domain_of(url: str) -> str:
    """The host of `url`, lowercased and without "www."."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


class PublisherQuerySet(models.QuerySet["Publisher"]):
    def named(self, *names: str) -> PublisherQuerySet:
        """The publishers called any of `names`, by name or alias, in any case."""
        names = tuple(name.strip() for name in names if name.strip())
        if not names:
            return self.none()
        by_name = models.Q()
        for name in names:
            by_name |= models.Q(name__iexact=name)
        return self.filter(by_name | models.Q(**_any_line("aliases", list(names))))

    def for_url(self, url: str) -> Publisher | None:
        """The publisher that lists the URL's domain (or a parent domain of it), if one does."""
        labels = domain_of(url).split(".")
        domains = [".".join(labels[i:]) for i in range(len(labels) - 1)]
        if not domains:
            return None
        found = list(self.filter(**_any_line("domains", domains)))
        # The most specific listing wins: news.example.org before example.org.
        for domain in domains:
            for publisher in found:
                if domain in publisher.domain_list:
                    return publisher
        return None


class Publisher(TimeStampedModel):
    """Who publishes sources: a news agency, a ministry, an NGO, a social media account.

    Its name is what exports and the API print and what sources refer to, so that a CSV's
    publisher column is the name; other spellings are aliases (AP = Associated Press), and
    its web domains let a source be attributed from its URL alone.
    """

    name = models.CharField(max_length=200, unique=True)
    aliases = models.TextField(
        blank=True, help_text="Other names and spellings, one per line (e.g. Associated Press)."
    )
    domains = models.TextField(
        "web domains",
        blank=True,
        help_text="One per line, without www. (e.g. apnews.com): a source whose URL is on one "
        "of them is attributed to this publisher.",
    )
    source_type = models.CharField(
        "usual source type",
        max_length=30,
        choices=SourceType.choices,
        blank=True,
        help_text="The type a new source of this publisher gets when none is chosen.",
    )

    history = AuditTrail()

    objects = PublisherQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        # "https://www.apnews.com/" is kept as apnews.com, as domain_of() reads URLs.
        self.domains = "\n".join(
            domain_of(line if "://" in line else f"https://{line}") or line
            for line in self.domain_list
        )

    @property
    def alias_list(self) -> list[str]:
        return _lines(self.aliases)

    @property
    def domain_list(self) -> list[str]:
        return [line.lower() for line in _lines(self.domains)]


class Source(TimeStampedModel):
    """A document that reports incidents: an article, a statement, a dataset, an image."""

    title = models.CharField(
        max_length=500, blank=True, help_text="Leave empty to name the source by its URL."
    )
    url = models.URLField("URL", max_length=1000, blank=True)
    # The URL as source_urls.normalised_url spells it, which two spellings of it share.
    url_key = models.CharField(max_length=1000, blank=True, editable=False, db_index=True)
    # By name (the exports' and the API's publisher), in the column that held it as text.
    publisher = models.ForeignKey(
        Publisher,
        to_field="name",
        db_column="publisher",
        on_delete=models.PROTECT,
        related_name="sources",
        blank=True,  # guessed from the URL's domain when left empty (clean)
        help_text="Guessed from the URL when left empty and a publisher lists its domain.",
    )
    author = models.CharField(max_length=200, blank=True)
    published_at = models.DateField("publication date", null=True, blank=True)
    language = models.CharField(
        max_length=3, blank=True, help_text="ISO 639-1 code, e.g. en, ar, fa."
    )
    source_type = models.CharField(
        "type",
        max_length=30,
        choices=SourceType.choices,
        blank=True,  # then the publisher's usual type (clean)
        help_text="Leave empty for the publisher's usual type.",
    )
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
        indexes = [models.Index(fields=["url"], name="source_url")]
        constraints = [choices_constraint("source_type", SourceType, name="source_type_valid")]

    def __str__(self) -> str:
        date = f", {self.published_at:%Y-%m-%d}" if self.published_at else ""
        return f"{self.publisher_id}: {self.label}{date}"

    @property
    def label(self) -> str:
        """The title, else what the URL says: its domain and the last words of its path."""
        return self.title or label_of_url(self.url)

    def clean(self) -> None:
        super().clean()
        if not self.title and not self.url:
            raise ValidationError({"title": "Give the source's title, its URL, or both."})
        if self.language and not _is_language_code(self.language):
            raise ValidationError({"language": f"{self.language} is not an ISO 639-1 code."})
        if self.pk and self.republished_from_id == self.pk:
            raise ValidationError({"republished_from": "A source cannot republish itself."})
        self.fill_from_url()

    def fill_from_url(self) -> None:
        """The publisher that lists the URL's domain, and its usual type, where not given."""
        if not self.publisher_id:
            publisher = Publisher.objects.for_url(self.url) if self.url else None
            if publisher is None:
                where = f" lists {domain_of(self.url)}" if self.url else " is guessed without a URL"
                raise ValidationError({"publisher": f"Choose the publisher: none{where}."})
            self.publisher = publisher
        if not self.source_type:
            self.source_type = self.publisher.source_type
            if not self.source_type:
                raise ValidationError(
                    {"source_type": f"Choose the type: {self.publisher} has no usual type."}
                )

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


def label_of_url(url: str) -> str:
    """ "apnews.com › rockets hit baghdad airport" for https://apnews.com/article/rockets-hit-
    baghdad-airport-1f2e3d: the words of the path's last part, without a trailing id."""
    parts = urlsplit(url)
    segments = [unquote(part) for part in parts.path.split("/") if part]
    words = re.sub(r"\.[a-z0-9]{2,5}$", "", segments[-1]) if segments else ""
    words = re.sub(r"[-_+]+", " ", words)
    words = re.sub(r"\s+[0-9a-f]{6,}$", "", words).strip()
    return f"{domain_of(url)} › {words}" if words else domain_of(url)


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
