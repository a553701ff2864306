"""The three roles and what each may do, kept in one table; and the role a change was made in.

Roles are auth groups, created by a data migration (accounts 0002) that holds a frozen copy
of this table. A change to the table comes with a migration that gives the groups their new
permissions; tests/accounts/test_roles.py fails while the two disagree.
"""

from __future__ import annotations

ANALYST = "analyst"
EDITOR = "editor"
RESEARCHER = "researcher"

# The permission that separates editors from analysts: moving an incident to or from a
# public status (published, retracted).
PUBLISH = ("incidents", "publish_incident")

_RECORDS = {
    "incidents": [
        "incident",
        "incidentactor",
        "citation",
        "incidentrelation",
        "actor",
        "source",
        "publisher",
        "tag",
    ],
    "geo": ["location"],
}
# Rows that only exist inside an incident's form: editing an incident means adding and
# removing them.
_INLINE_ROWS = {"incidents": ["incidentactor", "citation", "incidentrelation"]}


def _perms(actions: list[str], models: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {
        (app, f"{action}_{model}")
        for app, names in models.items()
        for model in names
        for action in actions
    }


ROLES: dict[str, set[tuple[str, str]]] = {
    RESEARCHER: _perms(["view"], _RECORDS),
    ANALYST: _perms(["view", "add", "change"], _RECORDS) | _perms(["delete"], _INLINE_ROWS),
    EDITOR: _perms(["view", "add", "change", "delete"], _RECORDS) | {PUBLISH},
}

# What a history entry says made the change: one of the roles, or an import (a file's rows are
# the file's, whoever imported it). Saved with the entry, so that it stays the role the change
# was made in after the account's role changes (django-simple-history keeps only the account).
IMPORT = "import"
# From the strongest role to the weakest.
_BY_STRENGTH = (EDITOR, ANALYST, RESEARCHER)


def role_of(user) -> str:
    """The strongest role whose every permission `user` has (a superuser's is editor); empty
    for no user, or one that holds no role's permissions."""
    if user is None or not user.is_authenticated:
        return ""
    for role in _BY_STRENGTH:
        # Django caches a user's permissions on the object: a request asks the database once.
        if user.has_perms([f"{app}.{codename}" for app, codename in ROLES[role]]):
            return role
    return ""


def record_role(sender, history_instance, history_user=None, **kwargs) -> None:
    """Write the role of the change on a history entry about to be saved (a receiver of
    simple_history's pre_create_historical_record), unless the change named it."""
    if not history_instance.history_role:
        history_instance.history_role = role_of(history_user)
