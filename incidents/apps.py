from __future__ import annotations

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        # Imported once the models are: incidents.derived builds on them.
        from incidents import derived
        from incidents.api import public_records

        derived.connect_signals()
        # The read model's texts are the API's representation (incidents.derived.public_records).
        derived.render_with(public_records.render)
        post_migrate.connect(fill_public_records, sender=self, dispatch_uid="public-records")


def fill_public_records(sender, using: str = "default", **kwargs) -> None:
    """Write the public records and counts that are missing or stale, once the tables are
    migrated: an existing database gets its read model from `migrate`, with no step of its own."""
    from incidents import derived
    from incidents.models import PublicCount, PublicRecord

    tables = connections[using].introspection.table_names()
    if {PublicRecord._meta.db_table, PublicCount._meta.db_table} <= set(tables):
        derived.refresh_stale_public_records()
