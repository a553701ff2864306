from django.db import migrations

from incidents.provenance import refresh_independence_keys


def compute_keys_and_counts(apps, schema_editor):
    # Every source's key, then every incident's count of independent supporting sources.
    refresh_independence_keys(None, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0007_retraction_reasons"),
    ]

    operations = [
        migrations.RunPython(compute_keys_and_counts, migrations.RunPython.noop),
    ]
