"""Days and periods typed into a query string: one day (a register's, the board's) or a period of
local days, both ends inclusive (the statistics, the owner's audit)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The days a page or a filter may be asked about. Python's dates stop at years 1 and 9999, and
# a day at either end overflows once moved to UTC or to the next day: a server error for a
# typed query string.
DAY_VALIDATORS = [MinValueValidator(date(1900, 1, 1)), MaxValueValidator(date(2999, 12, 31))]


def day_field(label, *, required: bool = True) -> forms.DateField:
    """A day picked with the browser's date input, within DAY_VALIDATORS."""
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=DAY_VALIDATORS,
    )


class PeriodForm(forms.Form):
    """``date_from`` to ``date_to``: the end not before the start, and, when ``max_days`` is
    set, no longer than that. A subclass names the fields for its page by redefining them
    with ``day_field``."""

    max_days: int | None = None

    date_from = day_field(gettext_lazy("From"))
    date_to = day_field(gettext_lazy("To"))

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if start > end:
                self.add_error("date_to", _("The end of the period must not be before its start."))
            elif self.max_days and (end - start).days + 1 > self.max_days:
                self.add_error(
                    "date_to",
                    _("A period may cover at most %(days)s days; this one covers %(count)s.")
                    % {"days": self.max_days, "count": (end - start).days + 1},
                )
        return cleaned
