from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery

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

    def with_time_entered(self, status: str, name: str) -> IncidentQuerySet:
        """Each record with `name`: when it first entered `status` (published, retracted), the
        date of its first version in that status; None if it never was."""
        versions = self.model.history.model.objects  # type: ignore[attr-defined]
        first = versions.filter(id=OuterRef("pk"), status=status).order_by("history_date")
        return self.annotate(**{name: Subquery(first.values("history_date")[:1])})

    def latest_to_enter(self, status: str, count: int) -> IncidentQuerySet:
        """The `count` records of this queryset in `status` that entered it last (their
        first version in it), in no order: a feed's entries. Read from the versions, newest
        first, so that the cost follows `count` rather than the number of records."""
        versions = self.model.history.model.objects  # type: ignore[attr-defined]
        earlier_in_status = versions.filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")),
            id=OuterRef("id"),
            status=status,
        )
        firsts = (
            versions.filter(status=status, id__in=self.filter(status=status).values("pk"))
            .exclude(Exists(earlier_in_status))
            .order_by("-history_date", "-history_id")
            .values("id")[:count]
        )
        return self.model.objects.filter(pk__in=firsts)  # type: ignore[attr-defined]

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
        """Links from an incident to the records in `visible`, each with that record, in the
        order they were made (a fixed order: answers are compared and cached byte for byte)."""
        return self.filter(to_incident__in=visible).select_related("to_incident").order_by("pk")

    def from_visible(self, visible: models.QuerySet) -> IncidentRelationQuerySet:
        """Links to an incident from the records in `visible`, each with that record, in the
        order they were made."""
        return self.filter(from_incident__in=visible).select_related("from_incident").order_by("pk")


IncidentRelationManager = models.Manager.from_queryset(IncidentRelationQuerySet)


# How an incident reaches each kind of record it names, as its public page and API answer show
# them: its actors; its cited sources and the sources they republish, two steps back; who made
# each of those sources' claims; its place and point of origin; its tags.
_CITED = ("citations__source", "citations__source__republished_from")
_CITED_CHAIN = (*_CITED, "citations__source__republished_from__republished_from")
INCIDENT_PATHS: dict[str, tuple[str, ...]] = {
    "incidents.actor": ("participants__actor", *(f"{path}__originator" for path in _CITED_CHAIN)),
    "incidents.source": _CITED_CHAIN,
    "incidents.tag": ("tags",),
    "geo.location": ("location", "origin_location"),
}


class LinkedRecordQuerySet(models.QuerySet):
    """Actors, sources, places and tags, as a reader may see them.

    Such a record is public while a public incident (`IncidentQuerySet.public()`: published or
    retracted) names it: takes place there, was fired from there, is tagged with it, has the
    actor take part, cites the source. What a public incident's page shows with a citation is
    public too: the sources it republishes (two steps back, as far as the page follows them)
    and who made their claims. A record that only drafts and records in review name stays
    unseen, as those do. A reference from a public record to one that is not (an actor's parent
    or backers, a source's original, a place's parent) is left out of what readers see; see
    `visible_to`. Analysts and editors (`sees_every_status`) see every record.

    Works for any model of INCIDENT_PATHS: `LinkedRecordQuerySet(Location)` for geo's places,
    which cannot know incidents, the managers of Actor, Source and Tag otherwise.
    """

    def public(self) -> LinkedRecordQuerySet:
        incident_model = self.model._meta.apps.get_model("incidents", "Incident")
        public = incident_model._default_manager.public()
        named = [
            models.Exists(public.filter(**{path: models.OuterRef("pk")}))
            for path in INCIDENT_PATHS[self.model._meta.label_lower]
        ]
        return self.filter(models.Q(*named, _connector=models.Q.OR))

    def public_with(self, *references: str) -> LinkedRecordQuerySet:
        """The public records, each with the records its `references` (fields to other linked
        records: a parent, backers, an original) name loaded only where those are public too,
        so that a reference to a record readers may not see reads as none."""
        lookups = [
            models.Prefetch(
                name, LinkedRecordQuerySet(self.model._meta.get_field(name).related_model).public()
            )
            for name in references
        ]
        return self.public().prefetch_related(*lookups)

    def visible_to(self, user) -> LinkedRecordQuerySet:
        return self.all() if sees_every_status(user) else self.public()


LinkedRecordManager = models.Manager.from_queryset(LinkedRecordQuerySet)
