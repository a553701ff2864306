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
