from __future__ import annotations

from django import forms

# Days (0: never); a year is the longest a token may last unless it is made never to expire.
EXPIRY_CHOICES = [(30, "30 days"), (90, "90 days"), (365, "1 year"), (0, "never")]


class NewTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, required=False, help_text="What the token is for, e.g. a script's name."
    )
    expires_in = forms.TypedChoiceField(
        label="Expires in", choices=EXPIRY_CHOICES, coerce=int, initial=90
    )
