"""The admin's forms for incidents: what a new record asks for, and how the form explains
the vocabularies it offers."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.urls import reverse

from incidents.admin_duplicates import NotDuplicatesField
from incidents.models import Citation, Incident, IncidentActor
from incidents.models.sources import CLAIM_FIELDS
from incidents.taxonomy import (
    ACLED_EVENT_TYPES,
    DAMAGE_DEFINITIONS,
    OUTCOME_DEFINITIONS,
    WEAPON_DEFINITIONS,
    Claim,
    Status,
)
from incidents.workflow import transition_errors

WORKFLOW_FIELDS = ["status", "review_note", "retraction_reason", "duplicate_of"]


def one_line_each(definitions: dict[str, str]) -> str:
    return "; ".join(f"{value}: {meaning}" for value, meaning in definitions.items()) + "."


class AsksForJudgements(forms.ModelForm):
    """A new row starts with its model's JUDGEMENTS empty and requires them: nothing is
    recorded that the analyst did not choose. A judgement passed as initial data stays."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = kwargs.get("initial") or {}
        for name in getattr(self._meta.model, "JUDGEMENTS", ()):
            field = self.fields.get(name)
            if not isinstance(field, forms.ChoiceField):
                continue  # read-only here
            field.required = True
            # After Django's normalizing, the choices are a list of pairs.
            choices: list[tuple[Any, Any]] = list(field.choices)  # type: ignore[arg-type]
            if not any(value == "" for value, _ in choices):
                field.choices = [*BLANK_CHOICE_DASH, *choices]
            if self.instance._state.adding and name not in given:
                # Both the instance's value and the field's own initial are the model default.
                self.initial.pop(name, None)
                field.initial = None


class IncidentActorForm(AsksForJudgements):
    class Meta:
        model = IncidentActor
        fields = "__all__"


class ClaimToggles(forms.CheckboxSelectMultiple):
    """The claims as one row of toggles (static/css/admin.css)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "claim-toggles", **(attrs or {})})


class CitationForm(forms.ModelForm):
    supports = forms.MultipleChoiceField(
        choices=Claim.choices,
        required=False,
        widget=ClaimToggles,
        help_text="What the quote supports. A new citation supports everything the record "
        "states until you change it.",
    )

    class Meta:
        model = Citation
        fields = ["source", "quote", "locator", "supports", "stance"]
        widgets = {"quote": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            # js/citation_supports.js keeps a new row's toggles on what the form states.
            self.fields["supports"].widget.attrs["data-claim-fields"] = json.dumps(CLAIM_FIELDS)


class IncidentForm(AsksForJudgements):
    """The incident form. It knows who fills it in, because status changes depend on that,
    and which version was opened, so that it never overwrites a later save."""

    user = None
    # Set when the form restores an earlier version from the history page.
    reverting = False

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    not_duplicates = NotDuplicatesField()

    class Meta:
        model = Incident
        fields = "__all__"
        widgets = {
            "title": forms.TextInput(attrs={"size": 80}),
            "summary": forms.Textarea(attrs={"rows": 4, "cols": 80}),
            "review_note": forms.Textarea(attrs={"rows": 2, "cols": 80}),
            "retraction_reason": forms.Textarea(attrs={"rows": 2, "cols": 80}),
        }
        help_texts = {
            "weapon": one_line_each(WEAPON_DEFINITIONS),
            "damage": one_line_each(DAMAGE_DEFINITIONS),
            "outcome": one_line_each(OUTCOME_DEFINITIONS),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if self.reverting and instance is not None and instance.pk:
            # A revert restores what the record said, not where it is in the workflow:
            # moving it between statuses stays an editorial decision.
            current = Incident.objects.get(pk=instance.pk)
            for name in [*WORKFLOW_FIELDS, "version"]:
                setattr(instance, name, getattr(current, name))
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version
            attrs = self.fields["not_duplicates"].widget.attrs
            attrs["data-incident"] = self.instance.pk
            attrs["data-decide-url"] = reverse(
                "admin:incidents_incident_not_duplicate", args=[self.instance.pk]
            )
        sub_event_type = self.fields.get("sub_event_type")
        if sub_event_type is not None:
            # js/sub_event_types.js offers only the chosen event type's sub-types; the model's
            # clean() refuses a mismatch either way.
            sub_event_type.widget.attrs["data-sub-event-types"] = json.dumps(ACLED_EVENT_TYPES)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk:
            self.refuse_if_saved_meanwhile()
        current = self.instance.status if self.instance.pk else None
        new = cleaned.get("status", current)
        if new is None:  # a new record whose status failed validation: the field says why
            return cleaned
        if current is None and new == Status.PUBLISHED:
            # Publishing is confirmed on its own page, which shows what the public will see.
            self.add_error("status", "Save the record first, then publish it with “Publish…”.")
            return cleaned
        texts = ("review_note", "retraction_reason")
        errors = transition_errors(
            self.user,
            current,
            new,
            before={name: getattr(self.instance, name) for name in texts},
            after={name: cleaned.get(name, getattr(self.instance, name)) for name in texts},
        )
        for field, message in errors.items():
            self.add_error(field, message)
        return cleaned

    def refuse_if_saved_meanwhile(self) -> None:
        # Locked until the admin's transaction ends, so two saves cannot both pass.
        latest = (
            Incident.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=self.instance.pk)
        )
        if self.cleaned_data.get("seen_version") == latest.version:
            return
        who = latest.updated_by.username if latest.updated_by else "An import"
        raise forms.ValidationError(
            f"{who} saved this incident at {latest.updated_at:%Y-%m-%d %H:%M:%S} UTC, "
            f"after you opened it (it is now version {latest.version}). Your changes were not "
            "saved, so that theirs are not lost: open the incident again, then redo yours.",
            code="saved_meanwhile",
        )
