"""The statistics' period form."""

from __future__ import annotations

from luutru.periods import PeriodForm

from .queries import MAX_DAYS, Period, default_period


class StatsPeriodForm(PeriodForm):
    """The period, read from the query string; without dates, the last 30 days."""

    max_days = MAX_DAYS

    def __init__(self, data=None, **kwargs) -> None:
        if not data or not (data.get("date_from") or data.get("date_to")):
            start, end = default_period()
            data = {"date_from": start.isoformat(), "date_to": end.isoformat()}
        super().__init__(data, **kwargs)

    def period(self) -> Period:
        return Period(self.cleaned_data["date_from"], self.cleaned_data["date_to"])
