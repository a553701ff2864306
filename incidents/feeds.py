"""Atom feeds of newly published and of retracted incidents, of any selection.

A feed reads the explorer's query string (`/incidents/feed.atom?country=IRQ`) through the one
FilterSet on public records (incidents.selections), answers 400 naming a parameter it cannot
read, and lists the latest records to enter its status, newest first: a record published
long ago and corrected today is not new. A retraction's entry carries its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks

from core.site_urls import absolute_url
from incidents import citation_formats
from incidents.models import Incident
from incidents.querysets import IncidentQuerySet
from incidents.selections import BadSelection, public_selection, refusal, selection_query
from incidents.taxonomy import Status

ENTRIES = 50


@dataclass(frozen=True)
class FeedSelection:
    query: str
    incidents: IncidentQuerySet


class IncidentFeed(Feed):
    """The latest public records of a selection to enter `status`."""

    feed_type = Atom1Feed
    status: str = Status.PUBLISHED
    heading = "Newly published incidents"
    url_name = "incident-feed"

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except BadSelection as error:
            return refusal(error)

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedSelection:
        incidents = public_selection(request.GET, default_status=[self.status])
        return FeedSelection(selection_query(request.GET), incidents)

    def title(self, selection: FeedSelection) -> str:
        title = f"{settings.TESSERA_NAME}: {self.heading.lower()}"
        return f"{title} ({selection.query})" if selection.query else title

    def subtitle(self, selection: FeedSelection) -> str:
        return f"The latest {ENTRIES} at most, newest first."

    def link(self, selection: FeedSelection) -> str:
        return citation_formats.explorer_url(selection.query)

    def feed_url(self, selection: FeedSelection) -> str:
        path = reverse(self.url_name)
        return absolute_url(f"{path}?{selection.query}" if selection.query else path)

    def author_name(self) -> str:
        return settings.TESSERA_NAME

    def items(self, selection: FeedSelection) -> IncidentQuerySet:
        # The entries found from the history, newest first; then for those alone, the time
        # each entered the status.
        return (
            selection.incidents.latest_to_enter(self.status, ENTRIES)
            .with_list_columns()
            .with_time_entered(self.status, "entered_at")
            .order_by("-entered_at", "-pk")
        )

    def item_title(self, incident: Incident) -> str:
        return f"{incident.public_id}: {incident.title}"

    def item_description(self, incident: Incident) -> str:
        # Atom's summary is HTML: the record's plain text is escaped.
        return linebreaks(escape(incident.summary or incident.title))

    def item_link(self, incident: Incident) -> str:
        return citation_formats.permalink(incident)

    def item_guid(self, incident: Incident) -> str:
        return citation_formats.permalink(incident)

    def item_pubdate(self, incident: Incident) -> dt.datetime:
        return incident.entered_at  # type: ignore[attr-defined]

    def item_updateddate(self, incident: Incident) -> dt.datetime:
        return incident.updated_at

    def item_categories(self, incident: Incident) -> tuple[str, ...]:
        return (incident.event_type, incident.sub_event_type, incident.location.country)


class RetractedFeed(IncidentFeed):
    """The latest records of a selection to be retracted, each with the reason."""

    status = Status.RETRACTED
    heading = "Retracted incidents"
    url_name = "incident-retracted-feed"

    def item_title(self, incident: Incident) -> str:
        return f"Retracted: {incident.public_id}: {incident.title}"

    def item_description(self, incident: Incident) -> str:
        return linebreaks(escape(f"Retracted: {incident.retraction_reason}"))

    def item_guid(self, incident: Incident) -> str:
        # Another entry than the record's publication, for a reader following both feeds.
        return f"{citation_formats.permalink(incident)}#retracted"
