"""API authentication by token: `Authorization: Token <secret>` (or `Bearer <secret>`)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts.models import LAST_USED_PRECISION, ApiToken, User
from accounts.tokens import digest_of

KEYWORDS = (b"token", b"bearer")


class ApiTokenAuthentication(TokenAuthentication):
    """Finds the token by the digest of the secret sent; refuses a revoked or expired one.

    No constant-time comparison is needed: the secret is never compared, only its SHA-256 is
    looked up, and how long that lookup takes can at most tell about digests of the caller's
    own guesses, from which no secret can be worked back.
    """

    keyword = "Token"  # Named in WWW-Authenticate, which makes a refusal a 401.

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].lower() not in KEYWORDS:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(
                "Send one token after the keyword: Authorization: Token <token>."
            )
        try:
            secret = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        return self.authenticate_credentials(secret)

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        try:
            token = ApiToken.objects.select_related("user").get(digest=digest_of(key))
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.revoked is not None:
            raise exceptions.AuthenticationFailed(
                f"Token {token.prefix}… was revoked on {utc(token.revoked)}."
            )
        now = timezone.now()
        if token.expires is not None and token.has_expired(now):
            raise exceptions.AuthenticationFailed(
                f"Token {token.prefix}… expired on {utc(token.expires)}. Make a new one."
            )
        if token.is_due_a_last_used_update(now):
            record_use(token, now)
        return token.user, token


def record_use(token: ApiToken, now: datetime) -> None:
    # Written once the request's transaction has committed, in a short transaction of its own,
    # so that a long request does not hold the token's row locked against the next request
    # that uses it. Of concurrent requests within the minute, only the first writes; a failed
    # write is logged, not raised: the request's own work is already committed.
    stale = Q(last_used__isnull=True) | Q(last_used__lt=now - LAST_USED_PRECISION)
    transaction.on_commit(
        lambda: ApiToken.objects.filter(stale, pk=token.pk).update(last_used=now), robust=True
    )


def utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
