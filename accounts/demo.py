"""Demo accounts, one per role, for trying Tessera on a local machine."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import ANALYST, EDITOR, RESEARCHER

# (username, role, may use the admin)
DEMO_ACCOUNTS = [
    (ANALYST, ANALYST, True),
    (EDITOR, EDITOR, True),
    (RESEARCHER, RESEARCHER, False),
]


def demo_password(username: str) -> str:
    return f"{username}-tessera"


def ensure_demo_users() -> list[tuple[str, str, bool]]:
    """Create the demo accounts that are missing; return (username, password, created)."""
    User = get_user_model()
    accounts = []
    for username, role, is_staff in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": is_staff}
        )
        if created:
            user.set_password(demo_password(username))
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
        accounts.append((username, demo_password(username), created))
    return accounts
