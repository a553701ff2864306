from __future__ import annotations

from django.contrib.auth.models import AbstractUser

from accounts import roles


class User(AbstractUser):
    """A person who uses Tessera; what they may do comes from their role groups."""

    @property
    def role_names(self) -> list[str]:
        return sorted(group.name for group in self.groups.all() if group.name in roles.ROLES)
