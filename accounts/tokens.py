"""Making API tokens: a random secret, shown once, of which the database keeps a digest."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import ApiToken, User

SECRET_BYTES = 32
PREFIX_LENGTH = 8
# The longest expiry a token may be given, in days (ten years).
MAX_DAYS = 3650


def digest_of(secret: str) -> str:
    """The SHA-256 of a secret, as stored in `ApiToken.digest`.

    A fast hash is right here, unlike for passwords: a secret is 256 random bits (160 for a
    token carried over from the old scheme), so no list of guesses and no brute force can find
    it from its digest, however fast the hash. A slow hash would only slow every API request.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(user: User, *, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`, expiring in `days` (None: never), and its secret.

    The secret is not kept: whoever asked for the token must be shown it now.
    """
    secret = secrets.token_urlsafe(SECRET_BYTES)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        digest=digest_of(secret),
        created=now,
        expires=now + timedelta(days=days) if days else None,
    )
    return token, secret


def default_days() -> int | None:
    """How long a token made by the token exchange lasts unless its client asks otherwise."""
    return settings.API_TOKEN_DEFAULT_DAYS or None
