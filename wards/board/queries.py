"""The compliance board and the page of one establishment, as the ward police see them.

The board is one row per establishment of the ward for one day, aggregated by PostgreSQL in a
single query (correlated subqueries, not a join of declarations with flags, which would multiply
the counts), so its cost does not grow with a query per establishment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

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
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from establishments.models import Establishment, Staff, Status
from guests.deadlines import day_bounds, local_day
from guests.models import Declaration, RegisterClosing, ReviewStatus
from guests.register.days import default_day, owing_register_on
from luutru.models import Ward
from luutru.sorting import Sorting

from ..models import Flag

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
# Counts are most useful biggest first; names alphabetically.
SORTING = Sorting(tuple(SORTS), DEFAULT_SORT, descending_first=frozenset(SORTS) - {"name"})


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
            open_flags=_count(Flag.objects.open().filter(establishment=OuterRef("pk"))),
        )
        # Missing first, then nil returns, then closed with guests: what needs a look comes up.
        .annotate(closed_rank=Coalesce(F("closing_total"), Value(-1)) + Value(1))
    )
    key, descending = SORTING.parse(sort)
    column = SORTS[key]
    order = [f"-{column}" if descending else column]
    if key != "name":
        order.append("name")
    return rows.order_by(*order, "pk")


# The phones' "Sort by" menu, standing in for the column headers of the wide table.
SORT_MENU = [
    ("name", pgettext_lazy("establishment", "Name")),
    ("closed", _("Register (missing first)")),
    ("-filed", _("Declarations (most first)")),
    ("-late", _("Late (most first)")),
    ("-returned", _("Returned (most first)")),
    ("-flags", _("Open flags (most first)")),
]


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
