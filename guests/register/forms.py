"""The register's form: the day a page is about or a closing is for."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from ..deadlines import DAY_VALIDATORS


class DayForm(forms.Form):
    day = forms.DateField(
        label=gettext_lazy("Day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DAY_VALIDATORS,
    )
