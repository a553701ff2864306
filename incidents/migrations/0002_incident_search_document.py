from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.db import migrations, models
from django.db.models import Aggregate, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Concat

# SQLite has no GIN indexes; there `?q=` matches substrings without an index.
CREATE_INDEX = (
    "CREATE INDEX incident_search_document ON incidents_incident "
    "USING gin (to_tsvector('english'::regconfig, search_document))"
)
DROP_INDEX = "DROP INDEX IF EXISTS incident_search_document"


# How the search document was written when this migration was, frozen here so that later
# changes to incidents.search cannot change what it does: the public id, title and summary,
# the place's names and the actors' names and aliases, in the order the actors were entered.


class JoinedText(OrderableAggMixin, Aggregate):
    """The group's texts joined by spaces: STRING_AGG … ORDER BY, GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(distinct)s%(expressions)s %(order_by)s)"
    output_field = TextField()

    def __init__(self, expression, **extra):
        super().__init__(expression, Value(" "), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        text, params = compiler.compile(self.get_source_expressions()[0])
        return f"GROUP_CONCAT({text}, ' ')", params


def spaced(*parts):
    """The parts joined by spaces; a missing part (NULL) counts as empty."""
    joined = []
    for part in parts:
        joined += [Value(" "), part] if joined else [part]
    return Concat(*joined, output_field=TextField())


def fill_documents(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    IncidentActor = apps.get_model("incidents", "IncidentActor")
    Location = apps.get_model("geo", "Location")
    place = (
        Location._default_manager.filter(pk=OuterRef("location_id"))
        .order_by()
        .values(text=spaced("name", "alternate_names"))
    )
    actors = (
        IncidentActor._default_manager.filter(incident_id=OuterRef("pk"))
        .order_by()
        .values("incident_id")
        .annotate(text=JoinedText(spaced("actor__name", "actor__aliases"), order_by="pk"))
        .values("text")
    )
    Incident._default_manager.update(
        search_document=spaced("public_id", "title", "summary", Subquery(place), Subquery(actors))
    )


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
