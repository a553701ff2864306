"""The three roles and what each may do, kept in one table.

Roles are auth groups. A data migration calls `sync_roles` so that every database has them;
a later change to this table comes with a migration that calls it again.
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


def sync_roles(apps) -> None:
    """Create the role groups and give each exactly the permissions of ROLES."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after `migrate`; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in sorted(wanted)
        ]
        group.permissions.set(permissions)
