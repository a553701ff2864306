"""The texts of the public read model (incidents.PublicRecord): written by the API's
serializer, read back into answers.

A stored text is what an anonymous reader gets for the incident (IncidentSerializer, written
by JSONRenderer), with two things a text cannot know when it is written left as marks: the
site's base in every URL (core.site_urls) and today's date, on which the citation says the
record was accessed. JSON text holds no raw control character (JSONRenderer escapes them
inside strings), so a mark cannot be mistaken for anything a record says.

Researchers see what the public sees, so they read the same texts; analysts and editors read
the live serializer (incidents.api.views).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from core.renderers import RenderedJSON
from core.site_urls import base_url, stored_on
from incidents.api.serializers import IncidentSerializer
from incidents.models import Incident

BASE_MARK = "\x1e"
TODAY_MARK = "\x1f"
# Written in place of the marks while a text is rendered, then replaced by them: unguessable,
# so no record's text holds them.
_BASE_WRITTEN = f"base-{secrets.token_hex(16)}"
_TODAY_WRITTEN = f"today-{secrets.token_hex(16)}"


class _MarkedToday(dt.date):
    """Today's date, written in the citation as a mark that reads put the date in place of."""

    def __format__(self, spec: str) -> str:
        return _TODAY_WRITTEN


def render(incidents: QuerySet[Incident]) -> list[tuple[int, int, str]]:
    """(id, version, stored text) of each incident, in a fixed number of queries."""
    request = HttpRequest()
    request.user = AnonymousUser()
    today = _MarkedToday.today()
    records = list(IncidentSerializer.eager_load(incidents, Incident.objects.public()))
    with stored_on(_BASE_WRITTEN):
        context = {"request": request, "accessed": today}
        data = IncidentSerializer(records, many=True, context=context).data
    renderer = JSONRenderer()
    return [
        (incident.pk, incident.version, _marked(renderer.render(item).decode()))
        for incident, item in zip(records, data, strict=True)
    ]


def _marked(text: str) -> str:
    return text.replace(_BASE_WRITTEN, BASE_MARK).replace(_TODAY_WRITTEN, TODAY_MARK)


def with_stored_texts(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """`incidents` with their stored texts, in the same query."""
    return incidents.select_related("public_record").defer(
        "search_document", "search_vector", "summary", "dataset_fields", "review_note"
    )


def stored_texts(incidents: Sequence[Incident]) -> list[RenderedJSON]:
    """The texts of `incidents` (public ones, loaded by `with_stored_texts`), in their order, on
    this request's base and date. An incident whose text is missing or older than its version
    (a write the read model has not caught up with) is rendered now."""
    texts = {
        incident.pk: record.text
        for incident in incidents
        if (record := getattr(incident, "public_record", None)) is not None
        and record.version == incident.version
    }
    if lagging := [incident.pk for incident in incidents if incident.pk not in texts]:
        public = Incident.objects.public().filter(pk__in=lagging)
        texts.update((pk, text) for pk, _, text in render(public))
    base = JSONRenderer().render(base_url()).decode()[1:-1]
    today = f"{timezone.localdate():%Y-%m-%d}"
    return [
        RenderedJSON(texts[incident.pk].replace(BASE_MARK, base).replace(TODAY_MARK, today))
        for incident in incidents
    ]
