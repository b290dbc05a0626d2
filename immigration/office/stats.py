"""The office's statistics for its province over a period of local days.

Decisions, so that everyone reads the figures the same way:

- An application counts in the period of its first submission (``submitted_at``, local day,
  both ends included); drafts never count.
- The decision time is the working days (immigration.workdays) from the local day of
  submission to the local day of the decision (approved or refused); the others are left out
  of the median and the 90th percentile.
- A deadline miss is a decision made after ``due_at``, or an application the deadline sweep
  flagged (``overdue_at``), decided or not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from luutru.models import Province
from wards.stats.queries import nationality_name

from .. import workdays
from ..models import WAITING_STATES, Application, Kind, State

DEFAULT_DAYS = 90
MAX_DAYS = 366
TOP_NATIONALITIES = 10
COUNTED_STATES = [s for s in State if s != State.DRAFT]


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def submitted_in(province: Province, start: date, end: date) -> QuerySet[Application]:
    tz = timezone.get_current_timezone()
    return Application.objects.filter(
        province=province,
        submitted_at__gte=datetime.combine(start, time.min, tzinfo=tz),
        submitted_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    ).exclude(state=State.DRAFT)


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    counts: list[int]  # in the order of COUNTED_STATES
    total: int


def by_kind_and_state(rows: QuerySet[Application]) -> list[KindRow]:
    counts = {
        (r["kind"], r["state"]): r["n"]
        for r in rows.values("kind", "state").annotate(n=Count("pk")).order_by()
    }
    table = []
    for kind in Kind:
        values = [counts.get((kind.value, s.value), 0) for s in COUNTED_STATES]
        table.append(KindRow(kind.value, str(kind.label), values, sum(values)))
    return table


def percentile(values: list[int], share: float) -> float | None:
    """The nearest-rank percentile (the median at 0.5 is the usual middle value)."""
    if not values:
        return None
    ordered = sorted(values)
    if share == 0.5:
        mid = len(ordered) // 2
        return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass(frozen=True)
class Timeliness:
    decided: int
    median_days: float | None
    p90_days: float | None
    missed: int  # decided after due_at, or flagged by the sweep
    flagged_waiting: int  # of those, still waiting


def decision_days(application: Application) -> int | None:
    """Working days from the submission to the decision; None while undecided."""
    if application.state not in (State.APPROVED, State.REFUSED) or not application.decided_at:
        return None
    return workdays.working_days_between(
        timezone.localtime(application.submitted_at).date(),
        timezone.localtime(application.decided_at).date(),
    )


def missed(application: Application) -> bool:
    """Decided after the deadline, or flagged by the deadline sweep."""
    if application.overdue_at is not None:
        return True
    decided, due = application.decided_at, application.due_at
    return bool(decided and due and decided > due)


def timeliness(rows: QuerySet[Application]) -> Timeliness:
    days, misses, flagged_waiting = [], 0, 0
    fields = ("state", "submitted_at", "decided_at", "due_at", "overdue_at")
    for application in rows.only(*fields).order_by().iterator(chunk_size=2000):
        n = decision_days(application)
        if n is not None:
            days.append(n)
        if missed(application):
            misses += 1
            flagged_waiting += application.state in WAITING_STATES
    return Timeliness(
        len(days), percentile(days, 0.5), percentile(days, 0.9), misses, flagged_waiting
    )


def country_name(code: str) -> str:
    """The country of an application's three-letter (ICAO / ISO alpha-3) nationality, in the
    current language, with its code; a code of no country is shown as it is."""
    if not code:
        return "–"
    alpha2 = countries.alpha2(code) if code.isalpha() else ""
    if alpha2:
        return f"{countries.name(alpha2)} ({code})"
    return nationality_name(code)


@dataclass(frozen=True)
class NationalityRow:
    code: str
    name: str
    applications: int


def by_nationality(rows: QuerySet[Application]) -> list[NationalityRow]:
    counted = list(rows.values("nationality").annotate(n=Count("pk")).order_by("-n", "nationality"))
    top = [
        NationalityRow(r["nationality"], country_name(r["nationality"]), r["n"])
        for r in counted[:TOP_NATIONALITIES]
    ]
    rest = counted[TOP_NATIONALITIES:]
    if rest:
        top.append(
            NationalityRow(
                "",
                _("Other nationalities (%(count)s)") % {"count": len(rest)},
                sum(r["n"] for r in rest),
            )
        )
    return top
