"""Forms of the board and of the page of one establishment."""

from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guests.deadlines import local_day
from luutru.periods import day_field


class BoardDayForm(forms.Form):
    day = day_field(_("Day"), required=False)

    def clean_day(self) -> date | None:
        day = self.cleaned_data["day"]
        if day is not None and day > local_day(timezone.now()):
            raise forms.ValidationError(_("Choose today or a day in the past."))
        return day


class InspectionForm(forms.Form):
    date = forms.DateField(
        label=_("Date of the inspection"), widget=forms.DateInput(attrs={"type": "date"})
    )
    findings = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(
            Submit("record", _("Record the inspection"), css_class="btn-lg w-100")
        )

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if day > local_day(timezone.now()):
            raise forms.ValidationError(_("An inspection cannot be recorded for a future date."))
        return day

    def clean_findings(self) -> str:
        findings = self.cleaned_data["findings"].strip()
        if not findings:
            raise forms.ValidationError(_("Write down what the inspection found."))
        return findings
