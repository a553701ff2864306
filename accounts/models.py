from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

# A token's last use is written at most this often, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class User(AbstractUser):
    """A person who uses Tessera; what they may do comes from their role groups."""


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Tokens that still authenticate: not revoked and not expired."""
        return self.filter(Q(expires__isnull=True) | Q(expires__gt=timezone.now()), revoked=None)


class ApiToken(models.Model):
    """A secret that authenticates its user to the API, kept only as its SHA-256 digest.

    The secret is shown once, when the token is made (`accounts.tokens.issue`); the database
    keeps its first characters (`prefix`) so that its owner can tell their tokens apart.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for.")
    prefix = models.CharField(max_length=8, help_text="The first characters of the secret.")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the secret.")
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField(null=True, blank=True, help_text="Empty: never.")
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})" if self.name else f"{self.prefix}…"

    def has_expired(self, now: datetime | None = None) -> bool:
        return self.expires is not None and self.expires <= (now or timezone.now())

    def revoke(self) -> None:
        if self.revoked is None:
            self.revoked = timezone.now()
            self.save(update_fields=["revoked"])

    def is_due_a_last_used_update(self, now: datetime) -> bool:
        return self.last_used is None or now - self.last_used >= LAST_USED_PRECISION
