"""Each history entry records the role its change was made in (`history_role`).

Entries written before record none; this fills them as well as can be known now: an import's
entries say "import" (every import wrote its reason as "Imported from …"), others the role
their author holds today (a superuser's is editor), and entries without an author stay
without a role. The rule is frozen here, as it stands in accounts.roles.role_of.
"""

from django.db import migrations, models

HISTORIES = [
    "historicalactor",
    "historicalcitation",
    "historicalincident",
    "historicalincidentactor",
    "historicalincidentrelation",
    "historicalsource",
]
IMPORTED = "Imported from "
# From the strongest role to the weakest: a user in two groups acts in the stronger role.
ROLES = ("editor", "analyst", "researcher")


def fill_roles(apps, schema_editor):
    for name in HISTORIES:
        unknown = apps.get_model("incidents", name).objects.filter(history_role="")
        # Each update reads `unknown` anew, so an entry keeps the first role it is given.
        unknown.filter(history_change_reason__startswith=IMPORTED).update(history_role="import")
        unknown.filter(history_user__is_superuser=True).update(history_role="editor")
        for role in ROLES:
            unknown.filter(history_user__groups__name=role).update(history_role=role)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("incidents", "0010_history_indexes_find_versions"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=name,
                name="history_role",
                field=models.CharField(blank=True, default="", max_length=20),
            )
            for name in HISTORIES
        ),
        migrations.RunPython(fill_roles, migrations.RunPython.noop),
    ]
