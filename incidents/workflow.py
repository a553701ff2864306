"""The editorial workflow: who may move an incident from which status to which.

    draft ──submit──▶ in review ──publish──▶ published ──retract──▶ retracted
      ▲                  │                      ▲                     │
      └────send back─────┘                      └──────reinstate──────┘

Analysts write drafts and submit them for review. Editors (the `publish_incident`
permission) publish, send a record back to its author with a comment, retract a public
record with a reason, and reinstate it. A public record never goes back to draft: its
permalink may already be cited, so it can only be retracted, which keeps it as a tombstone.

The admin form, the admin actions and the API all ask this module, so the rules live here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from incidents.taxonomy import Status

PUBLISH_PERMISSION = "incidents.publish_incident"


@dataclass(frozen=True)
class Transition:
    name: str
    editors_only: bool
    # The field that must carry a new text when the record makes this move.
    needs: str = ""


TRANSITIONS: dict[tuple[str | None, str], Transition] = {
    (None, Status.DRAFT): Transition("create", editors_only=False),
    (None, Status.IN_REVIEW): Transition("create for review", editors_only=False),
    (None, Status.PUBLISHED): Transition("publish", editors_only=True),
    (Status.DRAFT, Status.IN_REVIEW): Transition("submit for review", editors_only=False),
    (Status.IN_REVIEW, Status.DRAFT): Transition(
        "send back", editors_only=True, needs="review_note"
    ),
    (Status.DRAFT, Status.PUBLISHED): Transition("publish", editors_only=True),
    (Status.IN_REVIEW, Status.PUBLISHED): Transition("publish", editors_only=True),
    (Status.PUBLISHED, Status.RETRACTED): Transition(
        "retract", editors_only=True, needs="retraction_reason"
    ),
    (Status.RETRACTED, Status.PUBLISHED): Transition("reinstate", editors_only=True),
}

NEEDS_MESSAGES = {
    "review_note": "Write a comment for the author when sending a record back.",
    "retraction_reason": "Say why the incident is retracted.",
}


def sees_every_status(user) -> bool:
    """Analysts and editors see drafts and records in review; everyone else, the public record."""
    return bool(
        user is not None and user.is_authenticated and user.has_perm("incidents.change_incident")
    )


def is_editor(user) -> bool:
    return bool(user is not None and user.has_perm(PUBLISH_PERMISSION))


def may_set_status(user, current: str | None, new: str) -> bool:
    """Whether `user` may move a record from `current` (None: a new record) to `new`."""
    if current == new:
        return True
    transition = TRANSITIONS.get((current, new))
    return transition is not None and (not transition.editors_only or is_editor(user))


def status_choices_for(user, current: str | None) -> list[tuple[str, str]]:
    return [
        (value, label) for value, label in Status.choices if may_set_status(user, current, value)
    ]


def transition_errors(
    user, current: str | None, new: str, *, before: dict[str, str], after: dict[str, str]
) -> dict[str, str]:
    """What is wrong with moving a record from `current` to `new`, by field; empty if nothing.

    `before` and `after` hold the record's review_note and retraction_reason before and
    after the change: a move that needs one of them needs a new text there, and only editors
    write them.
    """
    errors = {}
    if not is_editor(user):
        # The comment to an author and the public retraction notice are the editors' words.
        errors = {
            name: "Only editors write this."
            for name in NEEDS_MESSAGES
            if (after.get(name) or "") != (before.get(name) or "")
        }
    if current == new:
        return errors
    if not may_set_status(user, current, new):
        return {"status": refusal(user, current, new), **errors}
    if errors:
        return errors
    needed = TRANSITIONS[(current, new)].needs
    if needed:
        text = (after.get(needed) or "").strip()
        if not text or text == (before.get(needed) or "").strip():
            return {needed: NEEDS_MESSAGES[needed]}
    return {}


def refusal(user, current: str | None, new: str) -> str:
    transition = TRANSITIONS.get((current, new))
    if transition is None:
        record = f"A record that is {current}" if current else "A new record"
        allowed = [
            target
            for (source, target) in TRANSITIONS
            if source == current and may_set_status(user, current, target)
        ]
        hint = f" It can become: {', '.join(allowed)}." if allowed else ""
        return f"{record} cannot become {new}.{hint}"
    return f"Only editors can {transition.name} incidents."


@dataclass(frozen=True)
class Queue:
    """A desk's list of records waiting for someone: `records(user)` narrows the incidents."""

    key: str
    label: str
    editors_only: bool
    records: Callable[[Any], Q]


def _drafts_of(user) -> Q:
    return Q(status=Status.DRAFT, created_by=user)


QUEUES = [
    Queue("my_drafts", "My drafts", editors_only=False, records=_drafts_of),
    # A draft with an editor's comment has been sent back: only editors write that comment,
    # and sending a record back needs one (TRANSITIONS).
    Queue(
        "sent_back",
        "Sent back to me",
        editors_only=False,
        records=lambda user: _drafts_of(user) & ~Q(review_note=""),
    ),
    Queue(
        "awaiting_review",
        "Awaiting review",
        editors_only=True,
        records=lambda user: Q(status=Status.IN_REVIEW),
    ),
]


def queues_for(user) -> list[Queue]:
    return [queue for queue in QUEUES if not queue.editors_only or is_editor(user)]


def moves_from(user, current: str) -> list[tuple[str, Transition]]:
    """The statuses `user` may move a record from `current` to, with the move's name."""
    return [
        (target, transition)
        for (source, target), transition in TRANSITIONS.items()
        if source == current and may_set_status(user, current, target)
    ]
