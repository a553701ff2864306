from __future__ import annotations

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A person who uses Tessera; what they may do comes from their role groups."""
