"""Counts of public incidents, stored by group, so that counting a selection reads groups, not
incidents."""

from __future__ import annotations

from django.db import models


class PublicCount(models.Model):
    """How many public incidents (`Incident.objects.public()`, the read model's set) share one
    group: the same first and last day, status, place, event type and sub-event type.

    The grain is the one the explorer's common filters read, column for column and under the
    Incident's own names: `date_after` (the last day), `date_before` and `start_after` (the
    first day), `status`, `country` and `admin1` (through the place), `location`, `bbox` and
    `near` (places), `event_type` and `sub_event_type`. A selection filtered by these alone is
    answered by summing `count` (incidents.filters `counts_of`). The map's cells are the
    place's coordinates: any zoom groups the places' rows. A cell of one incident names it,
    so each group keeps the least public id and title, as the map's query takes them.

    incidents.derived keeps the rows in step (incidents/derived/public_counts.py): the groups of
    a day are recomputed from the incidents whenever one that starts (or started) that day is
    refreshed. There is no unique constraint: the recomputation deletes and inserts a day's
    groups together.
    """

    date_start = models.DateField()
    date_end = models.DateField()
    status = models.CharField(max_length=10)
    # A place with counts has incidents, which protect it from deletion.
    location = models.ForeignKey(
        "geo.Location", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    event_type = models.CharField(max_length=40)
    sub_event_type = models.CharField(max_length=40)
    count = models.PositiveIntegerField()
    first_public_id = models.CharField(max_length=20)
    first_title = models.CharField(max_length=255)

    class Meta:
        indexes = [models.Index(fields=["date_start", "date_end"], name="public_count_dates")]

    def __str__(self) -> str:
        return f"{self.count} incidents from {self.date_start}"


class CountedIncident(models.Model):
    """The first day and version each public incident is counted under in PublicCount: the day
    whose groups to recompute when it changes date or leaves the public set (the incident row
    may be gone by then, so no foreign key), and whether a bulk write left it stale."""

    incident_id = models.BigIntegerField(primary_key=True)
    version = models.PositiveIntegerField()
    date_start = models.DateField()

    def __str__(self) -> str:
        return f"incident {self.incident_id} counted on {self.date_start}"
