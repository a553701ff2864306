from django.contrib.auth.management import create_permissions
from django.db import migrations

# The roles and their permissions as they stood when this migration was written, frozen here
# so that later changes to accounts.roles cannot change what it does. A change to the roles
# comes with a migration of its own.
RECORDS = {
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
INLINE_ROWS = {"incidents": ["incidentactor", "citation", "incidentrelation"]}
PUBLISH = ("incidents", "publish_incident")


def perms(actions, models):
    return {
        (app, f"{action}_{model}")
        for app, names in models.items()
        for model in names
        for action in actions
    }


ROLES = {
    "researcher": perms(["view"], RECORDS),
    "analyst": perms(["view", "add", "change"], RECORDS) | perms(["delete"], INLINE_ROWS),
    "editor": perms(["view", "add", "change", "delete"], RECORDS) | {PUBLISH},
}


def create_roles(apps, schema_editor):
    """Create the role groups and give each exactly the permissions of ROLES."""
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


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("geo", "0001_initial"),
        ("incidents", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
