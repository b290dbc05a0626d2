"""Vietnamese working days: Monday to Friday, less the public holidays (Labour Code 2019,
art. 112: New Year, the lunar New Year, the Hùng Kings' day, 30 April, 1 May, National Day and
the days off the government moves), taken from the maintained `holidays` library, which
computes the lunar dates."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=16)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (which itself does not count)."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


def deadline(received: datetime, count: int) -> datetime:
    """The end (local midnight) of the ``count``-th working day after the one a dossier was
    received on: a dossier received on a Saturday counts from the Monday."""
    received_day = timezone.localtime(received).date()
    last = add_working_days(received_day, count)
    return timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
