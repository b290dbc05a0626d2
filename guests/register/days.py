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

from datetime import date, datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from establishments.models import Establishment
from luutru.formats import show_date, show_datetime

from ..deadlines import day_start, local_day

HISTORY_DAYS = 30
WARNING_DAYS = 7


class DayState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"  # may still be closed
    MISSING = "missing"  # not closed by the cutoff
    FUTURE = "future"
    NOT_OWED = "not_owed"  # before the establishment was approved


# --- rules: pure in the day and a clock ---------------------------------------------------------


def cutoff_hour() -> int:
    return getattr(settings, "REGISTER_CUTOFF_HOUR", 8)


def cutoff(day: date) -> datetime:
    """The last moment the register of ``day`` may be closed: the cutoff hour of the next
    morning (Law on Residence 2020, art. 30(4): arrivals after 23:00 are due at 08:00)."""
    # Wall-clock arithmetic on the local day's start: 08:00 local, whatever the offset.
    return day_start(day + timedelta(days=1)) + timedelta(hours=cutoff_hour())


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
