"""Who may call the API, and how often.

Kept apart from the views: DRF imports these classes while it is itself being imported.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import permissions, throttling


class RolePermissions(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone may read (each view limits *what* they see); writing needs the role's permission."""

    authenticated_users_only = False


class AnonThrottle(throttling.AnonRateThrottle):
    def get_rate(self) -> str:
        # Read at request time, so that a changed setting applies without a restart.
        return settings.API_THROTTLE_RATES[str(self.scope)]


class UserThrottle(throttling.UserRateThrottle):
    def get_rate(self) -> str:
        return settings.API_THROTTLE_RATES[str(self.scope)]

    def allow_request(self, request, view) -> bool:
        # Anonymous requests are counted by AnonThrottle alone.
        if not request.user.is_authenticated:
            return True
        return super().allow_request(request, view)
