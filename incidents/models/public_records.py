"""The public read model: each public incident's API representation, stored as text."""

from __future__ import annotations

from django.db import models

from incidents.models.incident import Incident


class PublicRecord(models.Model):
    """What an anonymous reader gets for one public incident (published or retracted), as the
    API's serializer wrote it, so that a page is a concatenation, not a serialisation.

    Only `Incident.objects.public()` enters; incidents.derived keeps the rows in step (see
    incidents/derived/public_records.py). `version` is the incident's version the text was
    written from: a read finds a text that lags behind its incident and renders that incident live
    (refresh_stale_public_records writes it afresh).
    """

    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, primary_key=True, related_name="public_record"
    )
    version = models.PositiveIntegerField()
    # JSON, with the site's base and today's date left as marks (incidents.api.public_records).
    text = models.TextField()

    def __str__(self) -> str:
        return f"public record of incident {self.incident_id}, version {self.version}"
