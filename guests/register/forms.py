"""The register's form: the day a page is about or a closing is for."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from luutru.periods import day_field


class DayForm(forms.Form):
    day = day_field(gettext_lazy("Day"))
