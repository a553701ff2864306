"""The admin's merge desk: choose the record that is kept (the likely duplicates are offered),
compare the two side by side, and merge only once that comparison is confirmed.

incidents.merging holds the rule (which merges are possible, what a merge does); this module
asks it and shows its answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import display_for_field
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from incidents.admin_workflow import change_url, editable
from incidents.duplicates import likely_duplicates
from incidents.merging import compared_fields, kept_problems, merge, merge_problems
from incidents.models import Incident

EMPTY = "—"


class MergeForm(forms.Form):
    candidate = forms.ModelChoiceField(
        Incident.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        label="Likely duplicates",
        help_text="Same event type, within a day and 10 km, and published.",
    )
    into = forms.CharField(
        required=False,
        label="Or another record",
        help_text="The public id of the record that is kept, e.g. IRQ-2022-00003.",
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Added to the retraction notice of this record.",
    )

    def __init__(self, *args, duplicate: Incident, proposed: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.duplicate = duplicate
        candidates = [c for c in likely_duplicates(duplicate) if not kept_problems(c)]
        field = self.fields["candidate"]
        field.queryset = Incident.objects.filter(pk__in=[c.pk for c in candidates])  # type: ignore[attr-defined]
        field.label_from_instance = lambda c: f"{c.public_id}: {c.title} ({c.date_start})"  # type: ignore[attr-defined]
        if not candidates:
            del self.fields["candidate"]
        # The record a link proposes (the save warning's): chosen among the candidates when
        # it is one, else written in the box.
        chosen = [c.pk for c in candidates if c.public_id == proposed.strip().upper()]
        if chosen:
            self.initial["candidate"] = chosen[0]
        else:
            self.initial["into"] = proposed

    def clean_into(self) -> Incident | None:
        public_id = self.cleaned_data["into"].strip().upper()
        if not public_id:
            return None
        kept = Incident.objects.filter(public_id=public_id).select_related("duplicate_of").first()
        if kept is None:
            raise forms.ValidationError(f"There is no incident {public_id}.")
        return kept

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        kept = cleaned.get("into") or cleaned.get("candidate")
        if kept is None:
            if not self.errors:
                self.add_error("into", "Choose the record that is kept.")
            return cleaned
        if problem := merge_problems(self.duplicate, kept):
            self.add_error("into", problem)
        cleaned["kept"] = kept
        return cleaned


@dataclass(frozen=True)
class Row:
    label: str
    duplicate: str
    kept: str

    @property
    def differs(self) -> bool:
        return self.duplicate != self.kept


def comparison(duplicate: Incident, kept: Incident) -> list[Row]:
    """The two records field by field, as the admin shows each value."""
    rows = []
    for field in compared_fields():
        shown = [
            str(display_for_field(getattr(record, field.name), field, EMPTY))
            for record in (duplicate, kept)
        ]
        rows.append(Row(str(field.verbose_name).capitalize(), *shown))
    actors = [
        "; ".join(f"{p.actor} ({p.role}, {p.attribution})" for p in record.participants.all())
        or EMPTY
        for record in (duplicate, kept)
    ]
    rows.append(Row("Actors", *actors))
    return rows


def with_details(incident: Incident) -> Incident:
    return (
        Incident.objects.select_related("location", "origin_location")
        .prefetch_related("participants__actor", "citations__source")
        .get(pk=incident.pk)
    )


def merge_url(duplicate: Incident, kept: Incident | None = None) -> str:
    """The merge desk of `duplicate`, with `kept` proposed as the record that is kept."""
    url = reverse("admin:incidents_incident_merge", args=[duplicate.pk])
    return f"{url}?{urlencode({'into': kept.public_id})}" if kept else url


def merge_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """Mark this incident as the same event as another: it is retracted and points there.
    A first POST shows both records side by side; only the confirmed POST merges. `into` in
    the query string proposes the record that is kept."""
    duplicate = editable(model_admin, request, object_id)
    form = MergeForm(
        request.POST or None, duplicate=duplicate, proposed=request.GET.get("into", "")
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "form": form,
        "original": duplicate,
    }
    if not form.is_valid():
        return TemplateResponse(request, "admin/incidents/incident/merge.html", context)
    kept, note = form.cleaned_data["kept"], form.cleaned_data["note"]
    if request.POST.get("confirm") != "merge":
        shown, other = with_details(duplicate), with_details(kept)
        context |= {"kept": other, "shown": shown, "rows": comparison(shown, other), "note": note}
        return TemplateResponse(request, "admin/incidents/incident/merge_confirm.html", context)
    try:
        merge(duplicate, kept, user=request.user, note=note)
    except ValidationError as error:
        form.add_error("into", error.messages)
        return TemplateResponse(request, "admin/incidents/incident/merge.html", context)
    messages.success(
        request,
        f"{duplicate.public_id} is retracted as the same event as {kept.public_id}; "
        "its citations are now this record's.",
    )
    return redirect(change_url(kept))
