from django.db import migrations, models

from incidents.search import refresh_search_documents

# SQLite has no GIN indexes; there `?q=` matches substrings without an index.
CREATE_INDEX = (
    "CREATE INDEX incident_search_document ON incidents_incident "
    "USING gin (to_tsvector('english'::regconfig, search_document))"
)
DROP_INDEX = "DROP INDEX IF EXISTS incident_search_document"


def fill_documents(apps, schema_editor):
    refresh_search_documents(apps=apps)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0001_initial"),
        ("incidents", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="search_document",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_documents, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
