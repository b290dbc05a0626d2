"""What the register pages read: a day's arrivals and counts, and the last days' states."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from establishments.models import Establishment

from ..deadlines import LOCAL_TZ, day_bounds, day_start, local_day
from ..models import Declaration, DeclarationKind, RegisterClosing
from .days import HISTORY_DAYS, WARNING_DAYS, DayState, day_state, first_owed_day


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
