"""The public read model's table (incidents.PublicRecord).

Its rows are written by the API's serializer, which a migration cannot freeze: the table is
filled after `migrate` by the incidents app's post_migrate step (incidents.derived
`refresh_stale_public_records`), and at any time by `manage.py refresh_public_records`.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0016_not_duplicate_decisions"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicRecord",
            fields=[
                (
                    "incident",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="public_record",
                        serialize=False,
                        to="incidents.incident",
                    ),
                ),
                ("version", models.PositiveIntegerField()),
                ("text", models.TextField()),
            ],
        ),
    ]
