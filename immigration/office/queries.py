"""What the office reads: its province's queue (keyset pages over the partial index
``immigration_queue``), the applications it decided lately, and the deadline of each row in
working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, ngettext

from luutru.models import Province

from .. import workdays
from ..models import WAITING_STATES, Application, State

PAGE_SIZE = 50
RECENT_DECIDED = 50

QUEUE_FIELDS = (
    "reference",
    "kind",
    "state",
    "full_name",
    "nationality",
    "submitted_at",
    "due_at",
    "overdue_at",
)


@dataclass(frozen=True)
class Cursor:
    """Where a queue page starts: after this (submitted_at, id)."""

    submitted_at: datetime
    pk: int

    def __str__(self) -> str:
        return f"{self.submitted_at.isoformat()}_{self.pk}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """The cursor of a query string; None for anything malformed (the first page)."""
        if not text or "_" not in text:
            return None
        moment, _sep, pk = text.rpartition("_")
        try:
            at = parse_datetime(moment)
        except ValueError:
            return None
        if at is None or timezone.is_naive(at) or not pk.isdigit() or len(pk) > 18:
            return None
        return cls(at, int(pk))


def waiting_in(
    province: Province,
    *,
    kind: str = "",
    state: str = "",
    late_only: bool = False,
    now: datetime | None = None,
) -> QuerySet[Application]:
    """The province's applications waiting for the office, oldest submission first. The
    condition repeats the partial index's (state in WAITING_STATES), so PostgreSQL can use
    ``immigration_queue`` and stop after one page."""
    rows = Application.objects.filter(province=province, state__in=WAITING_STATES)
    if kind:
        rows = rows.filter(kind=kind)
    if state:
        rows = rows.filter(state=state)
    if late_only:
        rows = rows.filter(Q(overdue_at__isnull=False) | Q(due_at__lte=now or timezone.now()))
    return rows.order_by("submitted_at", "id").only(*QUEUE_FIELDS)


def page_of(rows: QuerySet[Application], cursor: Cursor | None) -> tuple[list, Cursor | None]:
    """One page after ``cursor`` and the cursor of the next page (None on the last)."""
    if cursor is not None:
        # The >= bound is an index condition; the OR only sorts out the rows of one instant.
        rows = rows.filter(submitted_at__gte=cursor.submitted_at).filter(
            Q(submitted_at__gt=cursor.submitted_at) | Q(id__gt=cursor.pk)
        )
    page = list(rows[: PAGE_SIZE + 1])
    if len(page) <= PAGE_SIZE:
        return page, None
    page = page[:PAGE_SIZE]
    last = page[-1]
    return page, Cursor(last.submitted_at, last.pk)


def with_applicant(province: Province) -> QuerySet[Application]:
    """Waiting for the applicant: more information was asked for."""
    return (
        Application.objects.filter(province=province, state=State.INFO_REQUESTED)
        .order_by("-updated_at", "-id")
        .only(*QUEUE_FIELDS, "updated_at")[:RECENT_DECIDED]
    )


def recently_decided(province: Province) -> QuerySet[Application]:
    """The province's last decisions, the latest first."""
    return (
        Application.objects.filter(
            province=province, state__in=(State.APPROVED, State.REFUSED), decided_at__isnull=False
        )
        .order_by("-decided_at", "-id")
        .only(*QUEUE_FIELDS, "decided_at")[:RECENT_DECIDED]
    )


def working_days_after(start: date, end: date) -> int:
    """workdays.working_days_between, by arithmetic rather than day by day: the weekdays in
    (start, end], less the public holidays among them. A row years late costs what a row one
    day late does, so the queue's page does not slow down with its oldest rows."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5  # any seven days in a row hold five weekdays
    tail = start + timedelta(days=weeks * 7)
    count += sum((tail + timedelta(days=k)).weekday() < 5 for k in range(1, rest + 1))
    for year in range(start.year, end.year + 1):
        count -= sum(
            1 for day in workdays._holidays(year) if start < day <= end and day.weekday() < 5
        )
    return count


@dataclass(frozen=True)
class DeadlineStatus:
    late: bool
    # Working days left after today (on time: 0 on the last day itself); working days past
    # the last one, today included (late: 0 on a weekend right after it).
    days: int
    last_day: date

    def __str__(self) -> str:
        """ "3 working days left", "late by 2 working days": in the active language."""
        if self.late:
            if not self.days:
                return gettext("past the deadline")
            return ngettext(
                "late by %(days)s working day", "late by %(days)s working days", self.days
            ) % {"days": self.days}
        if not self.days:
            return gettext("due today")
        return ngettext("%(days)s working day left", "%(days)s working days left", self.days) % {
            "days": self.days
        }


def deadline_status(due_at: datetime | None, now: datetime | None = None) -> DeadlineStatus | None:
    """Where an application stands against its working-day deadline. ``due_at`` is the local
    midnight after the last working day (workdays.deadline)."""
    if due_at is None:
        return None
    now = now or timezone.now()
    today = timezone.localdate(now)
    last_day = timezone.localtime(due_at).date() - timedelta(days=1)
    if now < due_at:
        return DeadlineStatus(False, working_days_after(today, last_day), last_day)
    return DeadlineStatus(True, working_days_after(last_day, today), last_day)
