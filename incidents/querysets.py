from __future__ import annotations

from datetime import date, timedelta

from django.db import models

from incidents.taxonomy import PUBLIC_STATUSES, Status
from incidents.workflow import sees_every_status


class IncidentQuerySet(models.QuerySet):
    def published(self) -> IncidentQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def public(self) -> IncidentQuerySet:
        """What anyone may see: published records and retraction tombstones."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def visible_to(self, user) -> IncidentQuerySet:
        return self.all() if sees_every_status(user) else self.public()

    def with_list_columns(self) -> IncidentQuerySet:
        """What a list row shows: the incident and its place, in one query."""
        return self.select_related("location")

    def overlapping(self, start: date, end: date, *, slack_days: int = 0) -> IncidentQuerySet:
        """Incidents whose date range meets [start - slack, end + slack]."""
        slack = timedelta(days=slack_days)
        return self.filter(date_start__lte=end + slack, date_end__gte=start - slack)


# A module-level manager class (rather than IncidentQuerySet.as_manager() in the model) is the
# form that django-stubs can follow, so that type checks know Incident.objects' methods.
IncidentManager = models.Manager.from_queryset(IncidentQuerySet)


class IncidentRelationQuerySet(models.QuerySet):
    """Links between incidents, as a reader may see them: a link whose other end the reader
    may not see (a draft) is left out, so that no page, API answer or file names it."""

    def to_visible(self, visible: models.QuerySet) -> IncidentRelationQuerySet:
        """Links from an incident to the records in `visible`, each with that record."""
        return self.filter(to_incident__in=visible).select_related("to_incident")

    def from_visible(self, visible: models.QuerySet) -> IncidentRelationQuerySet:
        """Links to an incident from the records in `visible`, each with that record."""
        return self.filter(from_incident__in=visible).select_related("from_incident")


IncidentRelationManager = models.Manager.from_queryset(IncidentRelationQuerySet)
