"""The audit's filters, read from the query string: the period of filing, then who, what and
in which order."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from establishments.models import Establishment
from luutru import periods
from luutru.models import User

from ..deadlines import day_start, this_month
from ..models import Declaration, DeclarationKind, ReviewStatus
from .queries import DEFAULT_SORT, ordering, staff_users

SORT_CHOICES = [
    ("-filed", gettext_lazy("Filed, newest first")),
    ("filed", gettext_lazy("Filed, oldest first")),
    ("-arrival", gettext_lazy("Arrival, newest first")),
    ("arrival", gettext_lazy("Arrival, oldest first")),
    ("name", gettext_lazy("Name, A to Z")),
    ("-name", gettext_lazy("Name, Z to A")),
    ("room", gettext_lazy("Room, ascending")),
    ("-room", gettext_lazy("Room, descending")),
    ("staff", gettext_lazy("Staff member, A to Z")),
    ("-staff", gettext_lazy("Staff member, Z to A")),
]

LATE_CHOICES = [
    ("", gettext_lazy("Late or on time")),
    ("yes", gettext_lazy("Late only")),
    ("no", gettext_lazy("On time only")),
]


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class PeriodForm(periods.PeriodForm):
    date_from = periods.day_field(gettext_lazy("Filed from"), required=False)
    date_to = periods.day_field(gettext_lazy("Filed to"), required=False)

    def filed_between(self) -> Q:
        """The filter on ``filed_at`` for the chosen local days, both ends inclusive."""
        q = Q()
        if start := self.cleaned_data.get("date_from"):
            q &= Q(filed_at__gte=day_start(start))
        if end := self.cleaned_data.get("date_to"):
            q &= Q(filed_at__lt=day_start(end + timedelta(days=1)))
        return q


class AuditFilterForm(PeriodForm):
    """The audit's filters, read from the query string."""

    staff = StaffChoiceField(
        label=gettext_lazy("Filed by"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Everyone"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[("", gettext_lazy("All kinds")), *DeclarationKind.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Review status"),
        choices=[("", gettext_lazy("Any status")), *ReviewStatus.choices],
        required=False,
    )
    late = forms.ChoiceField(label=gettext_lazy("Late"), choices=LATE_CHOICES, required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), choices=SORT_CHOICES, required=False)

    field_order = ["staff", "date_from", "date_to", "kind", "status", "late", "sort"]

    def __init__(self, *args, establishment: Establishment, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only this establishment's staff: another establishment's user id is "not one of the
        # available choices", never a way into their data.
        self.fields["staff"].queryset = staff_users(establishment)

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or DEFAULT_SORT

    def apply(self, declarations: QuerySet[Declaration]) -> QuerySet[Declaration]:
        """``declarations`` narrowed by the valid filters and in the chosen order."""
        data = self.cleaned_data
        declarations = declarations.filter(self.filed_between())
        if data.get("staff"):
            declarations = declarations.filter(filed_by=data["staff"])
        if data.get("kind"):
            declarations = declarations.filter(kind=data["kind"])
        if data.get("status"):
            declarations = declarations.filter(review_status=data["status"])
        if data.get("late") == "yes":
            declarations = declarations.filter(late=True)
        elif data.get("late") == "no":
            declarations = declarations.filter(late=False)
        return declarations.order_by(*ordering(data.get("sort") or DEFAULT_SORT))


class SummaryForm(PeriodForm):
    def __init__(self, data=None, **kwargs) -> None:
        # Without dates in the query string, this month.
        if not data or not (data.get("date_from") or data.get("date_to")):
            first, last = this_month()
            data = {"date_from": first.isoformat(), "date_to": last.isoformat()}
        super().__init__(data, **kwargs)
