from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from incidents.models import Incident

LATEST_COUNT = 20


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what Tessera is and the latest published incidents."""
    latest = Incident.objects.published().with_list_columns()[:LATEST_COUNT]
    return render(request, "pages/home.html", {"latest": latest})
