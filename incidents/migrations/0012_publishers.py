"""Publishers become records: one for each publisher name the sources hold, with no alias or
domain yet (editors add them). Sources refer to them by name in the next migration, so that
the column keeps holding the name exports and the API print."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def publishers_from_sources(apps, schema_editor):
    Source = apps.get_model("incidents", "Source")
    Publisher = apps.get_model("incidents", "Publisher")
    names = Source.objects.order_by().values_list("publisher", flat=True).distinct()
    Publisher.objects.bulk_create([Publisher(name=name) for name in names if name])


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0011_history_role"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalPublisher",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("updated_at", models.DateTimeField(blank=True, editable=False)),
                ("history_role", models.CharField(blank=True, default="", max_length=20)),
                ("name", models.CharField(max_length=200)),
                (
                    "aliases",
                    models.TextField(
                        blank=True,
                        help_text="Other names and spellings, one per line (e.g. Associated Press).",
                    ),
                ),
                (
                    "domains",
                    models.TextField(
                        blank=True,
                        help_text="One per line, without www. (e.g. apnews.com): a source whose URL is on one of them is attributed to this publisher.",
                        verbose_name="web domains",
                    ),
                ),
                (
                    "source_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("news", "news"),
                            ("wire", "wire"),
                            ("official statement", "official statement"),
                            ("social media", "social media"),
                            ("NGO/research report", "NGO/research report"),
                            ("dataset", "dataset"),
                            ("imagery", "imagery"),
                        ],
                        help_text="The type a new source of this publisher gets when none is chosen.",
                        max_length=30,
                        verbose_name="usual source type",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical publisher",
                "verbose_name_plural": "historical publishers",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Publisher",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                ("name", models.CharField(max_length=200, unique=True)),
                (
                    "aliases",
                    models.TextField(
                        blank=True,
                        help_text="Other names and spellings, one per line (e.g. Associated Press).",
                    ),
                ),
                (
                    "domains",
                    models.TextField(
                        blank=True,
                        help_text="One per line, without www. (e.g. apnews.com): a source whose URL is on one of them is attributed to this publisher.",
                        verbose_name="web domains",
                    ),
                ),
                (
                    "source_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("news", "news"),
                            ("wire", "wire"),
                            ("official statement", "official statement"),
                            ("social media", "social media"),
                            ("NGO/research report", "NGO/research report"),
                            ("dataset", "dataset"),
                            ("imagery", "imagery"),
                        ],
                        help_text="The type a new source of this publisher gets when none is chosen.",
                        max_length=30,
                        verbose_name="usual source type",
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.AddField(
            model_name="historicalpublisher",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(publishers_from_sources, migrations.RunPython.noop),
    ]
