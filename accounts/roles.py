"""The three roles and what each may do, kept in one table.

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
