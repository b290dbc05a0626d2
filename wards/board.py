"""The compliance board and the page of one establishment, as the ward police see them.

The board is one row per establishment of the ward for one day, aggregated by PostgreSQL in a
single query (correlated subqueries, not a join of declarations with flags, which would multiply
the counts), so its cost does not grow with a query per establishment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db import transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from establishments.models import Establishment, Staff, Status
from guests.deadlines import DAY_VALIDATORS, day_bounds, local_day
from guests.models import Declaration, RegisterClosing, ReviewStatus
from guests.register.days import default_day, owing_register_on
from luutru.models import User, Ward

from .access import officer_ward_or_403
from .models import Flag, Inspection

HISTORY_DAYS = 14

# The board's sortable columns: the name in the query string → the annotation it orders by.
SORTS = {
    "name": "name",
    "closed": "closed_rank",
    "filed": "filed",
    "late": "late_count",
    "returned": "returned_count",
    "flags": "open_flags",
}
DEFAULT_SORT = "name"


# --- access -------------------------------------------------------------------------------------


def establishments_for(user: User) -> QuerySet[Establishment]:
    """The establishments of the officer's or commander's ward; anyone else gets a 403."""
    ward = officer_ward_or_403(user)
    return Establishment.objects.filter(ward=ward).select_related("ward__province", "beat")


def get_establishment_for_user(user: User, pk: int) -> Establishment:
    """Another ward's establishment is a 404."""
    return get_object_or_404(establishments_for(user), pk=pk)


# --- the board ----------------------------------------------------------------------------------


def board_default_day(*, at: datetime) -> date:
    """Before the cutoff the board opens on yesterday, the register about to go missing;
    afterwards on today (the register page's rule, seen from the ward)."""
    return default_day(at=at, yesterday_closed=False)


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of ``queryset`` per establishment, 0 when there are none."""
    counted = queryset.order_by().values("establishment").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def board(ward: Ward, *, day: date, sort: str = DEFAULT_SORT) -> QuerySet[Establishment]:
    """Every active establishment of ``ward`` with the day's figures; one query.

    ``owes`` is whether the establishment owed the day's register at all (approved by then),
    ``closed`` whether the day's register was closed, ``closing_total`` the number of
    guests it counted (0 for a nil return), ``filed`` the declarations whose arrival falls on
    the day (the register's day), ``late_count`` and ``returned_count`` among them, and
    ``open_flags`` the establishment's unresolved flags, whatever their day.
    """
    start, end = day_bounds(day)
    closing = RegisterClosing.objects.filter(establishment=OuterRef("pk"), day=day)
    of_day = Declaration.objects.filter(
        establishment=OuterRef("pk"), arrival__gte=start, arrival__lt=end
    )
    rows = (
        Establishment.objects.filter(ward=ward, status=Status.ACTIVE)
        .annotate(
            closed=Exists(closing),
            # A lodging approved after the day owes nothing for it (guests.register).
            owes=ExpressionWrapper(owing_register_on(day), output_field=BooleanField()),
            closing_total=Subquery(
                closing.annotate(total=F("foreigners") + F("citizens")).values("total")[:1],
                output_field=IntegerField(),
            ),
            filed=_count(of_day),
            late_count=_count(of_day.filter(late=True)),
            returned_count=_count(of_day.filter(review_status=ReviewStatus.RETURNED)),
            open_flags=_count(
                Flag.objects.filter(establishment=OuterRef("pk"), resolved_at__isnull=True)
            ),
        )
        # Missing first, then nil returns, then closed with guests: what needs a look comes up.
        .annotate(closed_rank=Coalesce(F("closing_total"), Value(-1)) + Value(1))
    )
    key, descending = parse_sort(sort)
    column = SORTS[key]
    order = [f"-{column}" if descending else column]
    if key != "name":
        order.append("name")
    return rows.order_by(*order, "pk")


def parse_sort(sort: str) -> tuple[str, bool]:
    """``"-late"`` → ("late", True); anything not whitelisted falls back to the name."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        return DEFAULT_SORT, False
    return key, descending


def sort_links(sort: str) -> dict[str, dict[str, str]]:
    """For each column: the sort its header links to, and the current direction if any."""
    current, descending = parse_sort(sort)
    links = {}
    for key in SORTS:
        if key == current:
            links[key] = {
                "next": key if descending else f"-{key}",
                "direction": "desc" if descending else "asc",
            }
        else:
            # Counts are most useful biggest first; names alphabetically.
            links[key] = {"next": key if key == "name" else f"-{key}", "direction": ""}
    return links


# The phones' "Sort by" menu, standing in for the column headers of the wide table.
SORT_MENU = [
    ("name", pgettext_lazy("establishment", "Name")),
    ("closed", _("Register (missing first)")),
    ("-filed", _("Declarations (most first)")),
    ("-late", _("Late (most first)")),
    ("-returned", _("Returned (most first)")),
    ("-flags", _("Open flags (most first)")),
]


class BoardDayForm(forms.Form):
    day = forms.DateField(
        label=_("Day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DAY_VALIDATORS,
    )

    def clean_day(self) -> date | None:
        day = self.cleaned_data["day"]
        if day is not None and day > local_day(timezone.now()):
            raise forms.ValidationError(_("Choose today or a day in the past."))
        return day


# --- the page of one establishment --------------------------------------------------------------


@dataclass
class DeclarationSummary:
    days: int
    total: int
    foreigners: int
    citizens: int
    late: int
    returned: int
    pending: int

    @property
    def late_percent(self) -> int:
        return round(100 * self.late / self.total) if self.total else 0


def summarize_declarations(
    establishment: Establishment, *, at: datetime, days: int = HISTORY_DAYS
) -> DeclarationSummary:
    """The declarations of the last ``days`` days by arrival, in one query."""
    start, _end = day_bounds(local_day(at) - timedelta(days=days - 1))
    row = Declaration.objects.filter(establishment=establishment, arrival__gte=start).aggregate(
        total=Count("pk"),
        foreigners=Count("pk", filter=Q(kind="foreigner")),
        citizens=Count("pk", filter=Q(kind="citizen")),
        late=Count("pk", filter=Q(late=True)),
        returned=Count("pk", filter=Q(review_status=ReviewStatus.RETURNED)),
        pending=Count("pk", filter=Q(review_status=ReviewStatus.PENDING)),
    )
    return DeclarationSummary(days=days, **row)


def staff_of(establishment: Establishment) -> QuerySet[Staff]:
    """The establishment's accounts with whether each has a confirmed second factor."""
    return (
        Staff.objects.filter(establishment=establishment)
        .select_related("user")
        .annotate(
            has_second_factor=Exists(
                TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)
            )
        )
        .order_by("user__role", "user__full_name", "user__username")
    )


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


@transaction.atomic
def record_inspection(
    *, establishment: Establishment, officer: User, date: date, findings: str, at: datetime
) -> Inspection:
    return Inspection.objects.create(
        establishment=establishment, officer=officer, date=date, findings=findings, created_at=at
    )
