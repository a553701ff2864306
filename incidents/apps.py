from __future__ import annotations

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        # Imported once the models are: incidents.derived builds on them.
        from incidents import derived

        derived.connect_signals()
