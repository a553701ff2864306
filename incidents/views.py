from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from incidents.models import Citation, Incident, IncidentActor

LATEST_COUNT = 20


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what Tessera is and the latest published incidents."""
    latest = Incident.objects.published().with_list_columns()[:LATEST_COUNT]
    return render(request, "pages/home.html", {"latest": latest})


def incident_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """The permalink of a published (or retracted) incident: its record in plain language."""
    incident = get_object_or_404(
        Incident.objects.public()
        .select_related("location", "origin_location")
        .prefetch_related(
            "tags",
            Prefetch("participants", IncidentActor.objects.select_related("actor")),
            Prefetch("citations", Citation.objects.select_related("source__republished_from")),
        ),
        public_id=public_id,
    )
    return render(request, "pages/incident.html", {"incident": incident})
