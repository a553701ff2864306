"""Each history entry records the role its change was made in (`history_role`); entries
written before are filled as incidents 0011 fills its own (the rule frozen again here)."""

from django.db import migrations, models

IMPORTED = "Imported from "
ROLES = ("editor", "analyst", "researcher")


def fill_roles(apps, schema_editor):
    unknown = apps.get_model("geo", "historicallocation").objects.filter(history_role="")
    unknown.filter(history_change_reason__startswith=IMPORTED).update(history_role="import")
    unknown.filter(history_user__is_superuser=True).update(history_role="editor")
    for role in ROLES:
        unknown.filter(history_user__groups__name=role).update(history_role=role)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("geo", "0004_history_indexes_find_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicallocation",
            name="history_role",
            field=models.CharField(blank=True, default="", max_length=20),
        ),
        migrations.RunPython(fill_roles, migrations.RunPython.noop),
    ]
