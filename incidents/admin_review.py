"""The review buttons of the incident form and the page each one asks for confirmation on.

The form shows one button per move incidents.workflow lets the user make from the record's
status (Submit for review, Send back, Publish, Reinstate; Retract leads to its own page,
which asks for the reason). Each button opens a page that says what will happen, with a
comment field where the move needs one, and moves the record only when that page is posted.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from incidents.admin_workflow import change_url
from incidents.models import Incident
from incidents.taxonomy import Status
from incidents.workflow import NEEDS_MESSAGES, moves_from, refusal, transition_errors

# A status as it appears in a URL: "in review" is "in-review".
SLUGS = {status.value: status.value.replace(" ", "-") for status in Status}
STATUS_OF_SLUG = {slug: status for status, slug in SLUGS.items()}

EXPLANATIONS = {
    "submit for review": "An editor will read the record and publish it or send it back "
    "to you with a comment.",
    "send back": "The record goes back to its author as a draft, with your comment, which "
    "they find under “Sent back to me”.",
    "publish": "The record becomes public: its page, the API and the exports show what "
    "follows, and its permalink may be cited from then on.",
    "reinstate": "The record is public again, as it was before it was retracted.",
}


def review_buttons(user, incident: Incident) -> list[dict[str, str]]:
    """The change form's buttons: one per move the user may make from the record's status."""
    buttons = []
    for target, transition in moves_from(user, incident.status):
        if target == Status.RETRACTED:
            url = reverse("admin:incidents_incident_retract", args=[incident.pk])
            label = "Retract…"
        else:
            url = reverse("admin:incidents_incident_move", args=[incident.pk, SLUGS[target]])
            label = transition.name.capitalize() + "…"
        buttons.append({"label": label, "url": url})
    return buttons


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="Comment for the author",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )


def move_view(model_admin, request: HttpRequest, object_id: str, to: str) -> HttpResponse:
    """Confirm one move of one incident; a POST with `confirm` makes it."""
    incident = model_admin.get_object(request, unquote(object_id))
    if incident is None:
        raise Http404(f"There is no incident with id {object_id}.")
    if not model_admin.has_change_permission(request, incident):
        raise PermissionDenied
    target = STATUS_OF_SLUG.get(to)
    moves = dict(moves_from(request.user, incident.status))
    if target is None or target not in moves:
        messages.error(request, refusal(request.user, incident.status, target or to))
        return redirect(change_url(incident))
    if target == Status.RETRACTED:  # the retraction page asks for the public reason
        return redirect("admin:incidents_incident_retract", incident.pk)
    transition = moves[target]
    form = CommentForm(request.POST if "confirm" in request.POST else None)
    if transition.needs == "review_note":
        form.fields["comment"].required = True
        form.fields["comment"].error_messages["required"] = NEEDS_MESSAGES["review_note"]
    if form.is_valid():
        asks_comment = transition.needs == "review_note"
        comment = form.cleaned_data["comment"].strip() if asks_comment else ""
        problems = make_move(request, incident, target, comment)
        if not problems:
            messages.success(request, f"{incident.public_id}: {transition.name} done.")
            return redirect(change_url(incident))
        for field, problem in problems.items():
            form.add_error("comment" if field == "review_note" else None, problem)
    return TemplateResponse(
        request,
        "admin/incidents/incident/move.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "original": incident,
            "form": form,
            "move": transition.name,
            "explanation": EXPLANATIONS.get(transition.name, ""),
            "asks_comment": transition.needs == "review_note",
            "preview": public_preview(incident) if target == Status.PUBLISHED else None,
        },
    )


def make_move(
    request: HttpRequest, incident: Incident, target: str, comment: str
) -> dict[str, str]:
    """Move the incident if it is still where the page showed it and the workflow agrees;
    what stands in the way, by field, if not."""
    assert request.user.is_authenticated  # the admin lets only signed-in staff in
    with transaction.atomic():
        locked = Incident.objects.select_for_update().filter(pk=incident.pk).first()
        if locked is None or locked.status != incident.status:
            return {"status": "The record changed meanwhile: open it again."}
        texts = {"review_note": locked.review_note, "retraction_reason": locked.retraction_reason}
        after = {**texts, "review_note": comment} if comment else texts
        problems = transition_errors(request.user, locked.status, target, before=texts, after=after)
        if problems:
            return problems
        locked.status = target
        locked.review_note = after["review_note"]
        locked.updated_by = request.user
        locked.save()
    return {}


def public_preview(incident: Incident) -> dict[str, Any]:
    """What the public page will show of the record, for the editor to read before publishing."""
    citations = incident.citations.select_related("source")
    return {
        "rows": [
            ("Title", incident.title),
            ("Date", str(incident.date_start) + (
                f" – {incident.date_end}"
                if incident.date_end and incident.date_end != incident.date_start else "")),
            ("Place", f"{incident.location.name}, {incident.location.country}"),
            ("Event", " / ".join(filter(None, [incident.event_type, incident.sub_event_type]))),
            ("Fatalities", "not reported" if incident.fatalities_best is None
             else str(incident.fatalities_best)),
            ("Summary", incident.summary or "—"),
        ],
        "sources": [f"{c.source.publisher_id}: {c.source.label}" for c in citations],
    }  # fmt: skip


def review_urls(model_admin) -> list:
    return [
        path(
            "<path:object_id>/move/<str:to>/",
            model_admin.admin_site.admin_view(partial(move_view, model_admin)),
            name="incidents_incident_move",
        ),
    ]
