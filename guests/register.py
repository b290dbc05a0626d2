"""The daily register: each establishment closes the day's register, also when nobody arrived
(a nil return), so that "no guests" and "did not report" can be told apart (DESIGN).

"The day" is a calendar day in Asia/Ho_Chi_Minh: the declarations whose arrival falls on it.
Day D may be closed from D 00:00 until the cutoff, 08:00 local on D+1 (the setting
``REGISTER_CUTOFF_HOUR``): a citizen who arrives after 23:00 may still be reported until 08:00
the next morning (Law on Residence 2020, art. 30(4)), so the register of D cannot be complete
before then. A day not closed by its cutoff is *missing*.

Which day the register page opens on: before the cutoff, yesterday if yesterday is still open
(not closed), because that is the register about to go missing; otherwise today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from establishments.models import Establishment
from luutru.formats import show_date, show_datetime
from luutru.models import User

from .deadlines import LOCAL_TZ, to_local
from .models import Declaration, DeclarationKind, RegisterClosing

# The days a page or a filter may be asked about. Python's dates stop at years 1 and 9999, and
# a day at either end overflows once moved to UTC or to the next day: a server error for a
# typed query string.
DAY_VALIDATORS = [MinValueValidator(date(1900, 1, 1)), MaxValueValidator(date(2999, 12, 31))]

ONCE_A_DAY = "register_closed_once_a_day"
HISTORY_DAYS = 30
WARNING_DAYS = 7


class RegisterRefused(Exception):
    """The day cannot be closed now; ``str(error)`` is the message for the user."""


class DayState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"  # may still be closed
    MISSING = "missing"  # not closed by the cutoff
    FUTURE = "future"
    NOT_OWED = "not_owed"  # before the establishment was approved


# --- rules: pure in the day and a clock ---------------------------------------------------------


def cutoff_hour() -> int:
    return getattr(settings, "REGISTER_CUTOFF_HOUR", 8)


def local_day(moment: datetime) -> date:
    return to_local(moment).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local day; 23:30 in Hà Nội is 16:30 UTC, still the same day."""
    return day_start(day), day_start(day + timedelta(days=1))


def cutoff(day: date) -> datetime:
    """The last moment the register of ``day`` may be closed: the cutoff hour of the next
    morning (Law on Residence 2020, art. 30(4): arrivals after 23:00 are due at 08:00)."""
    return datetime.combine(day + timedelta(days=1), time(cutoff_hour()), tzinfo=LOCAL_TZ)


def day_state(day: date, *, at: datetime, closed: bool) -> DayState:
    if closed:
        return DayState.CLOSED
    if at < day_start(day):
        return DayState.FUTURE
    if at > cutoff(day):
        return DayState.MISSING
    return DayState.OPEN


def refusal(day: date, *, at: datetime) -> str | None:
    """Why the register of ``day`` cannot be closed at ``at``, or None if it can."""
    if at < day_start(day):
        return _("The register for %(day)s cannot be closed before the day has begun.") % {
            "day": show_date(day)
        }
    if at > cutoff(day):
        return _(
            "The register for %(day)s can no longer be closed: the cutoff was %(cutoff)s. "
            "The day is recorded as missing."
        ) % {
            "day": show_date(day),
            "cutoff": show_datetime(cutoff(day)),
        }
    return None


def default_day(*, at: datetime, yesterday_closed: bool) -> date:
    today = local_day(at)
    yesterday = today - timedelta(days=1)
    if at <= cutoff(yesterday) and not yesterday_closed:
        return yesterday
    return today


# --- which days an establishment owes a register for ---------------------------------------------


def first_owed_day(establishment: Establishment) -> date:
    """The first local day whose register ``establishment`` owes: the day it was created, that
    is approved by the ward (an approved registration creates the establishment). A lodging
    approved today owes today's register, never yesterday's. The one rule for the register
    page, the board and the missing-register sweep."""
    return local_day(establishment.created_at)


def owes_register(establishment: Establishment, day: date) -> bool:
    return day >= first_owed_day(establishment)


def not_owed_reason(establishment: Establishment, day: date) -> str | None:
    """Why ``establishment`` owes no register for ``day`` (it was approved later), or None."""
    if owes_register(establishment, day):
        return None
    return _("No register is owed for %(day)s: the establishment was approved on %(approved)s.") % {
        "day": show_date(day),
        "approved": show_date(first_owed_day(establishment)),
    }


def owing_register_on(day: date) -> Q:
    """``owes_register`` as a filter on establishments, for the board and the sweep."""
    return Q(created_at__lt=day_start(day + timedelta(days=1)))


# --- access -------------------------------------------------------------------------------------


# --- queries ------------------------------------------------------------------------------------


def arrivals_on(establishment: Establishment, day: date) -> QuerySet[Declaration]:
    start, end = day_bounds(day)
    return Declaration.objects.filter(
        establishment=establishment, arrival__gte=start, arrival__lt=end
    )


@dataclass
class DaySummary:
    """What closing the register of a day confirms."""

    day: date
    declarations: list[Declaration]
    closing: RegisterClosing | None = None
    foreigners: int = 0
    citizens: int = 0
    staying: int = 0
    departed: int = 0
    late: list[Declaration] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.foreigners + self.citizens

    @property
    def nil_return(self) -> bool:
        return self.total == 0

    @property
    def added_after_closing(self) -> list[Declaration]:
        """Guests filed for the day after it was closed: real guests, shown, never blocked."""
        if self.closing is None:
            return []
        return [d for d in self.declarations if d.filed_at > self.closing.closed_at]

    @property
    def changed_since_closing(self) -> bool:
        return self.closing is not None and (
            self.closing.foreigners != self.foreigners or self.closing.citizens != self.citizens
        )


def summarize_day(establishment: Establishment, day: date) -> DaySummary:
    declarations = list(
        arrivals_on(establishment, day).select_related("filed_by").order_by("arrival", "id")
    )
    summary = DaySummary(
        day=day,
        declarations=declarations,
        closing=RegisterClosing.objects.filter(establishment=establishment, day=day)
        .select_related("closed_by")
        .first(),
    )
    for d in declarations:
        if d.kind == DeclarationKind.FOREIGNER:
            summary.foreigners += 1
        else:
            summary.citizens += 1
        if d.departed_at is None:
            summary.staying += 1
        else:
            summary.departed += 1
        if d.late:
            summary.late.append(d)
    return summary


@dataclass
class HistoryDay:
    day: date
    state: DayState
    closing: RegisterClosing | None
    # The arrivals counted now, to show additions made after the closing.
    foreigners_now: int
    citizens_now: int

    @property
    def changed_since_closing(self) -> bool:
        return self.closing is not None and (
            self.closing.foreigners != self.foreigners_now
            or self.closing.citizens != self.citizens_now
        )


def history(
    establishment: Establishment, *, at: datetime, days: int = HISTORY_DAYS
) -> list[HistoryDay]:
    """The last ``days`` local days, newest first, each closed, open or missing; days before
    the establishment existed are left out. Two queries, whatever the number of days."""
    today = local_day(at)
    first = max(today - timedelta(days=days - 1), first_owed_day(establishment))
    if first > today:
        return []
    closings = {
        c.day: c
        for c in RegisterClosing.objects.filter(
            establishment=establishment, day__gte=first, day__lte=today
        ).select_related("closed_by")
    }
    counts: dict[date, dict[str, int]] = {}
    rows = (
        Declaration.objects.filter(
            establishment=establishment,
            arrival__gte=day_start(first),
            arrival__lt=day_start(today + timedelta(days=1)),
        )
        .annotate(local_day=TruncDate("arrival", tzinfo=LOCAL_TZ))
        .values("local_day")
        .annotate(
            foreigners=Count("id", filter=Q(kind=DeclarationKind.FOREIGNER)),
            citizens=Count("id", filter=Q(kind=DeclarationKind.CITIZEN)),
        )
    )
    for row in rows:
        counts[row["local_day"]] = row
    result = []
    day = today
    while day >= first:
        closing = closings.get(day)
        row = counts.get(day, {})
        result.append(
            HistoryDay(
                day=day,
                state=day_state(day, at=at, closed=closing is not None),
                closing=closing,
                foreigners_now=row.get("foreigners", 0),
                citizens_now=row.get("citizens", 0),
            )
        )
        day -= timedelta(days=1)
    return result


def missing_days(
    establishment: Establishment, *, at: datetime, days: int = WARNING_DAYS
) -> list[date]:
    return [h.day for h in history(establishment, at=at, days=days) if h.state == DayState.MISSING]


# --- the service --------------------------------------------------------------------------------


@transaction.atomic
def close_register(
    *, establishment: Establishment, day: date, by: User, at: datetime
) -> tuple[RegisterClosing, bool]:
    """Close the register of ``day``, storing the counts as they are now; returns the closing
    and whether this call made it.

    Idempotent: a day already closed (a double click, a second tab, a colleague) returns the
    first closing unchanged, even after the cutoff. Raises ``RegisterRefused`` for a day that
    has not begun or whose cutoff has passed.
    """
    existing = RegisterClosing.objects.filter(establishment=establishment, day=day).first()
    if existing is not None:
        return existing, False
    reason = not_owed_reason(establishment, day) or refusal(day, at=at)
    if reason is not None:
        raise RegisterRefused(reason)
    summary = summarize_day(establishment, day)
    closing = RegisterClosing(
        establishment=establishment,
        day=day,
        foreigners=summary.foreigners,
        citizens=summary.citizens,
        late=len(summary.late),
        closed_by=by,
        closed_at=at,
    )
    try:
        # A savepoint: two posts at once both saw no closing; the loser reads the winner's.
        with transaction.atomic():
            closing.save(force_insert=True)
    except IntegrityError as e:
        if getattr(getattr(e.__cause__, "diag", None), "constraint_name", None) != ONCE_A_DAY:
            raise
        return RegisterClosing.objects.get(establishment=establishment, day=day), False
    return closing, True
