"""Publishers are records of their own (incidents 0012): the roles get the same rights on them
as on sources, frozen here as accounts.roles gives them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = {
    "researcher": ["view"],
    "analyst": ["view", "add", "change"],
    "editor": ["view", "add", "change", "delete"],
}


def give_publisher_permissions(apps, schema_editor):
    # Permissions are normally created after `migrate`; the roles need them now.
    incidents = apps.get_app_config("incidents")
    incidents.models_module = True
    create_permissions(incidents, apps=apps, verbosity=0)
    incidents.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, actions in ACTIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="incidents",
                codename__in=[f"{action}_publisher" for action in actions],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_carry_over_old_tokens"),
        ("incidents", "0012_publishers"),
    ]

    operations = [migrations.RunPython(give_publisher_permissions, migrations.RunPython.noop)]
