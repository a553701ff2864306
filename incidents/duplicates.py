"""Likely duplicates of an incident: same event type, within a day and within 10 km.

Two analysts often record the same attack from different reports; a warning at save time
lets them link or merge instead of double-counting.
"""

from __future__ import annotations

from geo.areas import Circle
from incidents.models import Incident
from incidents.taxonomy import Status

RADIUS_KM = 10.0
DATE_SLACK_DAYS = 1


def likely_duplicates(incident: Incident) -> list[Incident]:
    place = incident.location
    nearby_places = Circle(place.latitude, place.longitude, RADIUS_KM).locations()
    candidates = (
        Incident.objects.filter(event_type=incident.event_type, location__in=nearby_places)
        .overlapping(
            incident.date_start,
            incident.date_end or incident.date_start,
            slack_days=DATE_SLACK_DAYS,
        )
        .exclude(status=Status.RETRACTED)
        .select_related("location")
    )
    if incident.pk:
        # Incidents already linked to this one (a response, a series) are known, not duplicates.
        candidates = (
            candidates.exclude(pk=incident.pk)
            .exclude(relations_from__to_incident=incident)
            .exclude(relations_to__from_incident=incident)
        )
    return list(candidates)
