"""The form that resolves a flag."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Say how the flag was resolved.")},
    )

    def clean_resolution(self) -> str:
        note = self.cleaned_data["resolution"].strip()
        if not note:
            raise forms.ValidationError(_("Say how the flag was resolved."), code="required")
        return note
