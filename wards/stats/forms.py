"""The statistics' period form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guests.deadlines import DAY_VALIDATORS

from .queries import MAX_DAYS, Period, default_period


class StatsPeriodForm(forms.Form):
    """The period, read from the query string; without dates, the last 30 days."""

    date_from = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=DAY_VALIDATORS,
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=DAY_VALIDATORS,
    )

    def __init__(self, data=None, **kwargs) -> None:
        if not data or not (data.get("date_from") or data.get("date_to")):
            start, end = default_period()
            data = {"date_from": start.isoformat(), "date_to": end.isoformat()}
        super().__init__(data, **kwargs)

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if start > end:
                self.add_error("date_to", _("The end of the period must not be before its start."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error(
                    "date_to",
                    _("A period may cover at most %(days)s days; this one covers %(count)s.")
                    % {"days": MAX_DAYS, "count": (end - start).days + 1},
                )
        return cleaned

    def period(self) -> Period:
        return Period(self.cleaned_data["date_from"], self.cleaned_data["date_to"])
