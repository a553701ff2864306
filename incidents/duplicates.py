"""Likely duplicates of an incident: same event type, within a day and within 10 km.

Two analysts often record the same attack from different reports; the incident form shows
the candidates as soon as date, place and type are filled (and warns again on save), so that
they add their source to the existing record, link or merge instead of double-counting. A pair
someone judged to be different events (NotDuplicate) is never suggested again.
"""

from __future__ import annotations

from geo.areas import Circle
from incidents.models import Incident, NotDuplicate
from incidents.taxonomy import Status

RADIUS_KM = 10.0
DATE_SLACK_DAYS = 1


def likely_duplicates(incident: Incident) -> list[Incident]:
    """The incidents that may record the same event as `incident` (saved or not)."""
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
            .exclude(pk__in=NotDuplicate.decided_with(incident))
        )
    return list(candidates)
