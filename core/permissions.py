"""Who may call the API, and how often.

Kept apart from the views: DRF imports these classes while it is itself being imported.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import permissions, throttling

from core import rate_limits
from core.addresses import client_address


class RolePermissions(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone may read (each view limits *what* they see); writing needs the role's permission."""

    authenticated_users_only = False


class CountingThrottle(throttling.SimpleRateThrottle):
    """A fixed window per client, counted atomically (core.rate_limits) by every worker alike.

    DRF's own throttles read, then write back, a list of timestamps: concurrent requests read
    the same list and all pass. They also take `X-Forwarded-For` as the client unless told how
    many proxies to trust, so a client could name itself anew on each request.
    """

    retry_after = 0

    def get_rate(self) -> str:
        # Read at request time, so that a changed setting applies without a restart.
        return settings.API_THROTTLE_RATES[str(self.scope)]

    def get_ident(self, request) -> str:
        return client_address(request) or "unknown"

    def allow_request(self, request, view) -> bool:
        self.key = self.get_cache_key(request, view)
        limit, period = self.parse_rate(self.get_rate())
        if self.key is None or limit is None or period is None:
            return True
        hit = rate_limits.hit(self.key, period)
        self.retry_after = hit.retry_after
        return hit.count <= limit

    def wait(self) -> float:
        return self.retry_after


class AnonThrottle(CountingThrottle):
    scope = "anon"

    def get_cache_key(self, request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return None  # counted by UserThrottle
        return f"{self.scope}:{self.get_ident(request)}"


class UserThrottle(CountingThrottle):
    scope = "user"

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # counted by AnonThrottle
        return f"{self.scope}:{request.user.pk}"
