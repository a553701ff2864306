"""The admin's editorial pages and actions: submit, publish, retract (merging: admin_merge).

Every move asks incidents.workflow whether the user may make it; retracting first shows a
page that asks for the reason.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from incidents.models import Incident
from incidents.taxonomy import Status
from incidents.workflow import is_editor, may_set_status


def change_url(incident: Incident) -> str:
    return reverse("admin:incidents_incident_change", args=[incident.pk])


def move(
    request: HttpRequest, incidents, new_status: str, *, only_from: tuple = (), **fields: str
) -> tuple[int, list]:
    """Move each incident the user may move to `new_status` (from a status in `only_from`, if
    given); the others are left as they are."""
    moved, refused = 0, []
    for incident in incidents:
        if (
            incident.status == new_status
            or (only_from and incident.status not in only_from)
            or not may_set_status(request.user, incident.status, new_status)
        ):
            refused.append(incident)
            continue
        incident.status = new_status
        for name, value in fields.items():
            setattr(incident, name, value)
        incident.updated_by = request.user
        incident.save()
        moved += 1
    return moved, refused


def report_move(model_admin, request: HttpRequest, verb: str, moved: int, refused: list) -> None:
    if moved:
        noun = "incident" if moved == 1 else "incidents"
        model_admin.message_user(request, f"{verb.capitalize()} {moved} {noun}.", messages.SUCCESS)
    if refused:
        ids = ", ".join(incident.public_id for incident in refused[:20])
        more = f" and {len(refused) - 20} more" if len(refused) > 20 else ""
        model_admin.message_user(
            request,
            f"Not {verb}, because of their status or your role: {ids}{more}.",
            messages.WARNING,
        )


def confirm_move(
    model_admin,
    request: HttpRequest,
    queryset,
    *,
    action: str,
    verb: str,
    movable: tuple[str, ...],
    **context: str,
) -> TemplateResponse:
    """The page that lists the selected records a list action would move, and those it would
    leave (not in `movable`); its button posts back to the action with `apply`."""
    incidents = list(queryset.select_related("location"))
    return TemplateResponse(
        request,
        "admin/incidents/incident/move_selected.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "action": action,
            "verb": verb,
            "moving": [i for i in incidents if i.status in movable],
            "left": [i for i in incidents if i.status not in movable],
            "selected": [incident.pk for incident in incidents],
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            **context,
        },
    )


@admin.action(description="Submit selected incidents for review…", permissions=["change"])
def submit_for_review(model_admin, request: HttpRequest, queryset) -> HttpResponse | None:
    """Lists the records first; the answer posts back to this action with `apply`."""
    if "apply" in request.POST:
        with transaction.atomic():
            moved, refused = move(
                request, queryset.select_for_update(), Status.IN_REVIEW, only_from=(Status.DRAFT,)
            )
        report_move(model_admin, request, "submitted", moved, refused)
        return None
    return confirm_move(
        model_admin,
        request,
        queryset,
        action="submit_for_review",
        verb="Submit",
        movable=(Status.DRAFT,),
        explanation="Each goes to the editors' “awaiting review” queue; you can no longer "
        "change it until an editor sends it back or publishes it.",
        left_because="only a draft is submitted for review",
    )


PUBLISHABLE = (Status.DRAFT, Status.IN_REVIEW)


@admin.action(description="Publish selected incidents…", permissions=["publish"])
def publish(model_admin, request: HttpRequest, queryset) -> HttpResponse | None:
    """Lists the records first; the answer posts back to this action with `apply`."""
    if "apply" in request.POST:
        # Reinstating a retracted record is a decision about that record, taken on its form.
        with transaction.atomic():
            moved, refused = move(
                request, queryset.select_for_update(), Status.PUBLISHED, only_from=PUBLISHABLE
            )
        report_move(model_admin, request, "published", moved, refused)
        return None
    return confirm_move(
        model_admin,
        request,
        queryset,
        action="publish",
        verb="Publish",
        movable=PUBLISHABLE,
        explanation="Each becomes public: its page, the API and the exports show it, and its "
        "permalink may be cited from then on. A published record is never a draft again; it "
        "can only be retracted.",
        left_because="only a draft or a record in review is published here",
    )


class RetractForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Shown on the public page of each record, which stays online as a tombstone.",
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why the incidents are retracted.")
        return reason


@admin.action(description="Retract selected incidents…", permissions=["publish"])
def retract(model_admin, request: HttpRequest, queryset) -> HttpResponse | None:
    """Asks for the reason first; the answer posts back to this action with `apply`."""
    form = RetractForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        with transaction.atomic():
            moved, refused = move(
                request,
                queryset.select_for_update(),
                Status.RETRACTED,
                retraction_reason=form.cleaned_data["reason"],
            )
        report_move(model_admin, request, "retracted", moved, refused)
        return None
    return TemplateResponse(
        request,
        "admin/incidents/incident/retract.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "form": form,
            "incidents": queryset,
            "selected": queryset.values_list("pk", flat=True),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": "retract",
        },
    )


def retract_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """Retract one incident: where the admin's "Delete" leads for a public record."""
    incident = editable(model_admin, request, object_id)
    if incident.status != Status.PUBLISHED:
        messages.info(
            request,
            f"{incident.public_id} is {incident.status}; only a published incident is retracted.",
        )
        return redirect(change_url(incident))
    form = RetractForm(request.POST or None)
    if form.is_valid():
        with transaction.atomic():
            locked = Incident.objects.select_for_update().filter(pk=incident.pk)
            moved, _ = move(
                request, locked, Status.RETRACTED, retraction_reason=form.cleaned_data["reason"]
            )
        report_move(model_admin, request, "retracted", moved, [])
        return redirect(change_url(incident))
    return TemplateResponse(
        request,
        "admin/incidents/incident/retract.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "form": form,
            "incidents": [incident],
            "original": incident,
        },
    )


def editable(model_admin, request: HttpRequest, object_id: str) -> Incident:
    if not is_editor(request.user):
        raise PermissionDenied
    incident = model_admin.get_object(request, unquote(object_id))
    if incident is None:
        raise Http404(f"There is no incident with id {object_id}.")
    return incident
