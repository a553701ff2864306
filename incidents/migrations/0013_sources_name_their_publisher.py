"""A source's publisher is a Publisher, referred to by name in the same `publisher` column
(so the exports' SQL reads it unchanged); a source's title and type become optional (its
URL names it, its publisher's usual type types it)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("incidents", "0012_publishers")]

    operations = [
        migrations.RemoveIndex(
            model_name="source",
            name="source_publisher_upper",
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="source_type",
            field=models.CharField(
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
                help_text="Leave empty for the publisher's usual type.",
                max_length=30,
                verbose_name="type",
            ),
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="title",
            field=models.CharField(
                blank=True, help_text="Leave empty to name the source by its URL.", max_length=500
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="source_type",
            field=models.CharField(
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
                help_text="Leave empty for the publisher's usual type.",
                max_length=30,
                verbose_name="type",
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="title",
            field=models.CharField(
                blank=True, help_text="Leave empty to name the source by its URL.", max_length=500
            ),
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="publisher",
            field=models.ForeignKey(
                blank=True,
                db_column="publisher",
                db_constraint=False,
                db_index=False,
                help_text="Guessed from the URL when left empty and a publisher lists its domain.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="incidents.publisher",
                to_field="name",
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="publisher",
            field=models.ForeignKey(
                blank=True,
                db_column="publisher",
                help_text="Guessed from the URL when left empty and a publisher lists its domain.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sources",
                to="incidents.publisher",
                to_field="name",
            ),
        ),
    ]
