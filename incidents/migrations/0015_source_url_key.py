"""Sources keep their URL as two spellings of it share (`url_key`), for matching by URL.

The key is computed by today's rule (incidents.source_urls): a later change of the rule
comes with a migration that computes the keys again.
"""

from django.db import migrations, models

from incidents.source_urls import normalised_url

BATCH = 2000


def fill_url_keys(apps, schema_editor):
    Source = apps.get_model("incidents", "Source")
    changed = []
    for source in Source.objects.exclude(url="").only("url").iterator(chunk_size=BATCH):
        source.url_key = normalised_url(source.url)
        changed.append(source)
        if len(changed) == BATCH:
            Source.objects.bulk_update(changed, ["url_key"])
            changed = []
    Source.objects.bulk_update(changed, ["url_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0014_unclaimed_attribution"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalsource",
            name="url_key",
            field=models.CharField(blank=True, editable=False, max_length=1000),
        ),
        migrations.AddField(
            model_name="source",
            name="url_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=1000),
        ),
        migrations.RunPython(fill_url_keys, migrations.RunPython.noop),
    ]
