"""The incident form's duplicate panel: the records that may be the same event, shown as
soon as date, place and event type are filled, before anything is saved.

incidents.duplicates decides what a candidate is; this module serves its answer to the
form's script (js/duplicate_candidates.js) and records the candidates the analyst judged "not
the same event": at the click on a saved record (decide_view), with the form's save on a new
one, which has no id to pair before. On save it warns about the candidates nobody has judged
yet, with a link to the merge desk (the warning is all a browser without the script gets).
"""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse, reverse_lazy
from django.utils.html import format_html, format_html_join

from geo.models import Location
from incidents.admin_merge import merge_url
from incidents.duplicates import likely_duplicates
from incidents.merging import merge_problems
from incidents.models import Incident, NotDuplicate
from incidents.taxonomy import ACLED_EVENT_TYPES, Status
from incidents.workflow import is_editor


class NotDuplicatesField(forms.CharField):
    """The ids (comma-separated) of the candidates judged "not the same event" on the form:
    the script fills it, the save records each pair (a new record has no id before)."""

    widget = forms.HiddenInput(
        attrs={"data-candidates-url": reverse_lazy("admin:incidents_incident_candidates")}
    )

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, **kwargs)

    def clean(self, value: str | None) -> list[int]:
        text = super().clean(value)
        try:
            ids = {int(part) for part in text.split(",") if part.strip()}
        except ValueError:
            raise forms.ValidationError("Not a list of incident ids.") from None
        return sorted(Incident.objects.filter(pk__in=ids).values_list("pk", flat=True))


class CandidatesQuery(forms.Form):
    """What the panel asks: the form's date, place and type as typed so far, and the record
    being changed (none for a new one)."""

    date_start = forms.DateField()
    date_end = forms.DateField(required=False)
    location = forms.ModelChoiceField(Location.objects.all())
    event_type = forms.ChoiceField(choices=[(name, name) for name in ACLED_EVENT_TYPES])
    incident = forms.IntegerField(required=False, min_value=1)

    def unsaved_incident(self) -> Incident:
        data = self.cleaned_data
        return Incident(
            pk=data["incident"],
            date_start=data["date_start"],
            date_end=data["date_end"] or data["date_start"],
            location=data["location"],
            event_type=data["event_type"],
        )


def candidate(incident: Incident) -> dict[str, object]:
    end = incident.date_end
    return {
        "id": incident.pk,
        "public_id": incident.public_id,
        "title": incident.title,
        "dates": str(incident.date_start)
        + (f" – {end}" if end and end != incident.date_start else ""),
        "place": incident.location.name,
        "status": incident.status,
        "url": reverse("admin:incidents_incident_change", args=[incident.pk]),
    }


def candidates_view(model_admin, request: HttpRequest) -> JsonResponse:
    """The likely duplicates of the record the form describes, for anyone who may add or
    change incidents; a 400 names each parameter it cannot read."""
    if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
        raise PermissionDenied
    query = CandidatesQuery(request.GET)
    if not query.is_valid():
        return JsonResponse({"errors": query.errors.get_json_data()}, status=400)
    found = likely_duplicates(query.unsaved_incident())
    return JsonResponse({"candidates": [candidate(incident) for incident in found]})


class DecisionForm(forms.Form):
    """A "not the same event" click on a saved record: the candidate it is about."""

    other = forms.ModelChoiceField(Incident.objects.all())


def decide_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """Record at once that this incident and `other` are different events, for whoever may
    change the incident. NotDuplicate keeps who and when; the admin's log (its recent
    actions) names the decision too."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    incident = model_admin.get_object(request, unquote(object_id))
    if incident is None:
        raise Http404(f"There is no incident with id {object_id}.")
    if not model_admin.has_change_permission(request, incident):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    other = form.cleaned_data["other"]
    if other.pk == incident.pk:
        error = {"message": "An incident is not paired with itself.", "code": "invalid"}
        return JsonResponse({"errors": {"other": [error]}}, status=400)
    with transaction.atomic():
        NotDuplicate.record(incident, [other.pk], user=request.user)
        model_admin.log_change(
            request, incident, f"Judged not the same event as {other.public_id}."
        )
    return JsonResponse({"not_duplicate": {"incident": incident.pk, "other": other.pk}})


def urls(model_admin) -> list:
    return [
        path(
            "candidates/",
            model_admin.admin_site.admin_view(partial(candidates_view, model_admin)),
            name="incidents_incident_candidates",
        ),
        path(
            "<path:object_id>/not-duplicate/",
            model_admin.admin_site.admin_view(partial(decide_view, model_admin)),
            name="incidents_incident_not_duplicate",
        ),
    ]


def record_and_warn(model_admin, request: HttpRequest, form) -> None:
    """After a save: remember the candidates judged "not the same event", then warn about
    the candidates nobody has judged yet, each with the merge desk for the pair when this
    user can merge them."""
    incident = form.instance
    NotDuplicate.record(incident, form.cleaned_data.get("not_duplicates", []), user=request.user)
    duplicates = likely_duplicates(incident)
    if not duplicates:
        return
    may_merge = is_editor(request.user)
    mergeable = {
        other.pk for other in duplicates if may_merge and not merge_problems(incident, other)
    }
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>{}',
        (
            (
                reverse("admin:incidents_incident_change", args=[other.pk]),
                str(other),
                format_html(' (<a href="{}">merge into it…</a>)', merge_url(incident, other))
                if other.pk in mergeable
                else "",
            )
            for other in duplicates
        ),
    )
    model_admin.message_user(
        request,
        format_html(
            "Possible duplicate: {} of the same type within a day and 10 km: {}. "
            "If it is the same event, {}; if not, say “Not the same event” in the form's "
            "duplicate panel.",
            "an incident" if len(duplicates) == 1 else f"{len(duplicates)} incidents",
            links,
            "merge this record into it (“merge into it…”)"
            if mergeable
            else same_event_advice(incident, duplicates, may_merge=may_merge),
        ),
        level=messages.WARNING,
    )


def same_event_advice(incident: Incident, others: list[Incident], *, may_merge: bool) -> str:
    """What to do when a candidate is the same event and no merge link was offered."""
    if incident.status != Status.PUBLISHED:
        return (
            f"add this record's sources there instead ({incident.public_id} is "
            f"{incident.status}; only a published record is merged)"
        )
    if not may_merge:
        return "an editor can merge this record into it (“Same event as…”)"
    return f"they cannot be merged yet: {merge_problems(incident, others[0])}"
