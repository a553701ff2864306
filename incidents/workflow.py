"""Who may move an incident between statuses.

Analysts write drafts and submit them for review; only editors (the `publish_incident`
permission) put a record into, or take it out of, the public statuses.
"""

from __future__ import annotations

from incidents.taxonomy import PUBLIC_STATUSES, Status


def sees_every_status(user) -> bool:
    """Analysts and editors see drafts and records in review; everyone else, the public record."""
    return bool(
        user is not None and user.is_authenticated and user.has_perm("incidents.change_incident")
    )


def may_set_status(user, current: str | None, new: str) -> bool:
    if current == new or user.has_perm("incidents.publish_incident"):
        return True
    return current not in PUBLIC_STATUSES and new not in PUBLIC_STATUSES


def status_choices_for(user, current: str | None) -> list[tuple[str, str]]:
    return [
        (value, label) for value, label in Status.choices if may_set_status(user, current, value)
    ]
