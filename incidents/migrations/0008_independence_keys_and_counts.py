from django.db import migrations
from django.db.models import Case, CharField, Count, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat

# How independence keys and counts were computed when this migration was written, frozen here
# so that later changes to incidents.derived cannot change what it does. A source's key is
# its originator's ("actor:<id>") if it or a source it republishes (up its chain) names one,
# else the chain's first source's ("source:<id>"; the smallest id in a loop). An incident's
# count is the number of distinct keys among the sources of its supporting citations.
SUPPORTS = "supports"


def independence_key(source_id, links):
    chain = []
    current = source_id
    while current in links and current not in chain:
        chain.append(current)
        republished_from, originator = links[current]
        if originator is not None:
            return f"actor:{originator}"
        current = republished_from
    if current in chain:  # a loop
        return f"source:{min(chain[chain.index(current) :])}"
    return f"source:{chain[-1]}"


def compute_keys_and_counts(apps, schema_editor):
    # Every source's key, then every incident's count of independent supporting sources.
    Source = apps.get_model("incidents", "Source")
    Citation = apps.get_model("incidents", "Citation")
    Incident = apps.get_model("incidents", "Incident")
    rows = Source._default_manager.values_list(
        "pk", "republished_from_id", "originator_id", "independence_key"
    )
    links = {pk: (republished_from, originator) for pk, republished_from, originator, _ in rows}
    stored = {pk: key for pk, _, _, key in rows}
    changed = [
        Source(pk=pk, independence_key=key)
        for pk in links
        if (key := independence_key(pk, links)) != stored[pk]
    ]
    Source._default_manager.bulk_update(changed, ["independence_key"], batch_size=1000)

    # A key not written yet stands for the source itself.
    key = Case(
        When(
            source__independence_key="",
            then=Concat(Value("source:"), Cast("source_id", CharField())),
        ),
        default="source__independence_key",
        output_field=CharField(),
    )
    supporting = (
        Citation._default_manager.filter(incident_id=OuterRef("pk"), stance=SUPPORTS)
        .order_by()
        .values("incident_id")
        .annotate(count=Count(key, distinct=True))
        .values("count")
    )
    Incident._default_manager.update(independent_sources=Coalesce(Subquery(supporting), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0007_retraction_reasons"),
    ]

    operations = [
        migrations.RunPython(compute_keys_and_counts, migrations.RunPython.noop),
    ]
