"""The office's forms: the queue's filters and the four decisions."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luutru.formfields import RefusalReasonField
from luutru.periods import PeriodForm

from .. import workdays
from ..models import WAITING_STATES, Kind, State
from .stats import MAX_DAYS, default_period

TEXT_LIMIT = 4000


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All kinds")), *Kind.choices],
    )
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("All states"))]
        + [(s.value, s.label) for s in State if s in WAITING_STATES],
    )
    late = forms.BooleanField(label=gettext_lazy("Past the deadline only"), required=False)


class _Decision(forms.Form):
    """Every decision carries the state the officer saw: a page left open while someone else
    decided must not decide again on what it no longer shows."""

    seen_state = forms.ChoiceField(choices=State.choices, widget=forms.HiddenInput)


class InfoRequestForm(_Decision):
    text = forms.CharField(
        label=gettext_lazy("What is missing"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The applicant reads this and resubmits the application."),
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Say what information is needed."))
        return text


class RefuseForm(_Decision):
    reason = RefusalReasonField(max_length=TEXT_LIMIT)


class AppointmentForm(_Decision):
    """An appointment at the office: in the future, on a working day."""

    appointment_at = forms.DateTimeField(
        label=gettext_lazy("Appointment"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )

    def clean_appointment_at(self):
        at = self.cleaned_data["appointment_at"]
        if at.year < 2000 or at.year > 2999:
            raise forms.ValidationError(_("Enter a date within the coming years."))
        if at <= timezone.now():
            raise forms.ValidationError(_("The appointment must be in the future."))
        if not workdays.is_working_day(timezone.localtime(at).date()):
            raise forms.ValidationError(
                _(
                    "The office is closed that day: choose a working day (Monday to Friday, not a "
                    "public holiday)."
                )
            )
        return at


class OfficeStatsForm(PeriodForm):
    """The period of the statistics, from the query string; without dates, the last 90 days."""

    max_days = MAX_DAYS

    def __init__(self, data=None, **kwargs) -> None:
        if not data or not (data.get("date_from") or data.get("date_to")):
            start, end = default_period()
            data = {"date_from": start.isoformat(), "date_to": end.isoformat()}
        super().__init__(data, **kwargs)
