"""The sweeps that raise flags (DESIGN "Legal deadlines the flags are built on").

Each sweep is a plain function returning how many flags it raised; the Celery task that runs it
is one line (wards.tasks). The pattern is healthchecks' ``sendalerts``:

- read only what has come due: a declaration carries the moment a sweep must look at it again
  (``overdue_check_at``, ``review_due_at``, ``correction_due_at``), set by the guests services,
  behind a partial index; a sweep filters ``due <= now`` and so costs what is due, not the table;
- claim a batch with ``SELECT ... FOR UPDATE SKIP LOCKED``, so two workers split the work
  instead of queueing behind each other;
- insert the flags with ``ON CONFLICT DO NOTHING`` against ``flag_raised_once_while_open``: a
  retried task (acks late: a killed worker's sweep runs again) or a second worker adds nothing;
- clear the due time of the rows handled, and write the notifications (the outbox), in the same
  transaction as the flags. The sender is enqueued after commit.

The flags this call inserted are told from a concurrent worker's by their ``raised_at``: every
flag of one sweep carries the sweep's own ``now``, so only its own flags get notifications.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from establishments.models import Establishment, Status
from guests.deadlines import day_start, local_day
from guests.models import Declaration, RegisterClosing, ReviewStatus
from guests.register.days import cutoff, owing_register_on

from ..models import Flag, FlagKind
from .notifications import enqueue_sending, notify_new_flags

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000

# The hourly missing sweep also looks at the days before the last one whose cutoff passed, so
# that a beat stopped for a while (a deploy, an outage) still catches up.
MISSING_LOOKBACK_DAYS = 3

# "Silent": the last 7 days against the 28 before them. An establishment that averaged at least
# 5 filings a day before and now files less than a fifth of that is probably not reporting.
SILENT_RECENT_DAYS = 7
SILENT_BEFORE_DAYS = 28
SILENT_MIN_DAILY_BEFORE = 5
SILENT_RATIO = 5  # recent daily rate < before daily rate / 5


# --- the declaration sweeps: due column, skip-locked batch, flag, clear -------------------------


def sweep_overdue(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """A guest past the expected departure with no check-out (DESIGN "overdue")."""
    return _sweep_due(
        kind=FlagKind.OVERDUE,
        due_field="overdue_check_at",
        # check_out clears the due time; a row checked out in the same instant is still
        # looked at here, so the departure itself is checked too.
        still_wrong=lambda row: row["departed_at"] is None,
        now=now,
        batch_size=batch_size,
    )


def sweep_unreviewed(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """A declaration the police did not review within the ward's review window."""
    return _sweep_due(
        kind=FlagKind.UNREVIEWED,
        due_field="review_due_at",
        still_wrong=lambda row: row["review_status"] == ReviewStatus.PENDING,
        now=now,
        batch_size=batch_size,
    )


def sweep_uncorrected(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """A declaration returned by the police and not corrected within the ward's window."""
    return _sweep_due(
        kind=FlagKind.UNCORRECTED,
        due_field="correction_due_at",
        still_wrong=lambda row: row["review_status"] == ReviewStatus.RETURNED,
        now=now,
        batch_size=batch_size,
    )


def due_rows(due_field: str, *, now: datetime, batch_size: int = BATCH_SIZE) -> QuerySet:
    """The next batch of declarations whose ``due_field`` has come, claimed (in a transaction)
    with SKIP LOCKED; served by the partial index on the due column."""
    # Only this table is locked: the join to the establishment reads its ward and must not
    # make an owner's edit of the establishment wait for the sweep.
    return (
        Declaration.objects.filter(**{f"{due_field}__lte": now})
        .order_by(due_field)
        .select_for_update(skip_locked=True, of=("self",))
        .values("pk", "establishment_id", "establishment__ward_id", "departed_at", "review_status")[
            :batch_size
        ]
    )


def _sweep_due(
    *,
    kind: str,
    due_field: str,
    still_wrong: Callable[[dict[str, Any]], bool],
    now: datetime | None,
    batch_size: int,
) -> int:
    now = now or timezone.now()
    raised = 0
    while True:
        with transaction.atomic():
            rows = list(due_rows(due_field, now=now, batch_size=batch_size))
            if not rows:
                break
            wrong = [row for row in rows if still_wrong(row)]
            raised += _raise(
                kind,
                [
                    Flag(
                        kind=kind,
                        establishment_id=row["establishment_id"],
                        ward_id=row["establishment__ward_id"],
                        declaration_id=row["pk"],
                        raised_at=now,
                    )
                    for row in wrong
                ],
                now=now,
                declaration_ids=[row["pk"] for row in wrong],
                establishment_ids={row["establishment_id"] for row in wrong},
            )
            # Handled, flagged or not: the row leaves the index until a service sets a new due
            # time (a correction, a new return).
            Declaration.objects.filter(pk__in=[row["pk"] for row in rows]).update(
                **{due_field: None}
            )
        # A short batch means nothing due is left unclaimed (another worker may hold the rest).
        if len(rows) < batch_size:
            break
    logger.info("%s sweep: %d flags raised", kind, raised)
    return raised


# --- late filings, expired documents: raised by the filing itself -------------------------


def raise_filing_flags(declarations: Iterable[Declaration], *, at: datetime) -> int:
    """The flags a filing raises by itself, with their notifications: LATE for the late ones,
    DOCUMENT_EXPIRED and VISA_EXPIRED for a guest filed with an expired passport or visa (the
    desk files them all, the police are told).

    Called inside the filing transaction, by the receiver of guests.signals.declarations_filed
    (every filing sends it: guests.services.record_filing): lateness and the documents are
    known at the moment of filing (DESIGN) and fixed then, so a flag is written with the
    declaration or not at all. No sweep and no due column are needed, and a filing that rolls
    back leaves no flag and no notification.
    """
    filed = [d for d in declarations if d.pk is not None]
    late = _raise_for_declarations(FlagKind.LATE, [d for d in filed if d.late], at=at)
    return late + raise_document_flags(filed, at=at)


def raise_document_flags(declarations: Iterable[Declaration], *, at: datetime) -> int:
    """DOCUMENT_EXPIRED and VISA_EXPIRED for the declarations whose documents had expired
    before the arrival: at filing, and again after a correction changed an expiry or the
    arrival (an open flag of the same kind is not raised twice). Lateness is not re-judged
    by a correction (guests.services.correct_declaration), so LATE is not here."""
    filed = [d for d in declarations if d.pk is not None]
    rules = [
        (FlagKind.DOCUMENT_EXPIRED, Declaration.document_expired),
        (FlagKind.VISA_EXPIRED, Declaration.visa_expired),
    ]
    return sum(
        _raise_for_declarations(kind, [d for d in filed if rule(d)], at=at) for kind, rule in rules
    )


def _raise_for_declarations(kind: str, declarations: list[Declaration], *, at: datetime) -> int:
    if not declarations:
        return 0
    ward_id = declarations[0].establishment.ward_id
    return _raise(
        kind,
        [
            Flag(
                kind=kind,
                establishment_id=d.establishment_id,
                ward_id=ward_id,
                declaration_id=d.pk,
                raised_at=at,
            )
            for d in declarations
        ],
        now=at,
        declaration_ids=[d.pk for d in declarations],
        establishment_ids={d.establishment_id for d in declarations},
    )


# Fields whose correction re-judges the documents (lateness is never re-judged).
DOCUMENT_FIELDS = {"document_expiry", "visa_expiry", "arrival"}


def on_declarations_filed(
    sender, *, declarations: list[Declaration], at: datetime, **kwargs
) -> None:
    raise_filing_flags(declarations, at=at)


def on_declaration_corrected(
    sender, *, declaration: Declaration, changed: set[str], at: datetime, **kwargs
) -> None:
    if DOCUMENT_FIELDS & changed:
        raise_document_flags([declaration], at=at)


# --- the establishment sweeps: missing registers, silent establishments ---------------------


def last_closed_day(now: datetime) -> date:
    """The latest local day whose register cutoff (08:00 the next morning) has passed. At
    08:00:00 itself the day may still be closed (guests.register.refusal), so not yet."""
    yesterday = local_day(now) - timedelta(days=1)
    return yesterday if now > cutoff(yesterday) else yesterday - timedelta(days=1)


def sweep_missing(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """An active establishment that did not close a day's register by its cutoff (DESIGN
    "missing"): one flag per (establishment, day).

    Reads the active establishments (their count, not the declarations'), a few days back.
    A day flagged once is not flagged again, even after the flag was resolved: the resolution
    answered it.
    """
    now = now or timezone.now()
    last = last_closed_day(now)
    raised = 0
    for back in range(MISSING_LOOKBACK_DAYS - 1, -1, -1):
        day = last - timedelta(days=back)
        candidates = (
            Establishment.objects.filter(owing_register_on(day), status=Status.ACTIVE)
            .exclude(Exists(RegisterClosing.objects.filter(establishment=OuterRef("pk"), day=day)))
            .exclude(
                Exists(
                    Flag.objects.filter(
                        establishment=OuterRef("pk"), kind=FlagKind.MISSING, day=day
                    )
                )
            )
        )
        raised += _raise_for_establishments(
            FlagKind.MISSING, candidates, day=day, now=now, batch_size=batch_size
        )
    return raised


def sweep_silent(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """An establishment filing far below its own usual rate (DESIGN "silent").

    Counted in SQL per establishment, through the (establishment, filed_at) index: the last 7
    local days against the 28 before them. At most one flag a week per establishment.
    """
    now = now or timezone.now()
    day = local_day(now) - timedelta(days=1)  # the last complete local day
    recent_start = day_start(day - timedelta(days=SILENT_RECENT_DAYS - 1))
    before_start = recent_start - timedelta(days=SILENT_BEFORE_DAYS)
    end = day_start(day + timedelta(days=1))

    def filed(start: datetime, stop: datetime) -> Coalesce:
        counted = (
            Declaration.objects.filter(
                establishment=OuterRef("pk"), filed_at__gte=start, filed_at__lt=stop
            )
            .order_by()
            .values("establishment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    candidates = (
        Establishment.objects.filter(status=Status.ACTIVE, created_at__lt=before_start)
        .exclude(
            Exists(
                Flag.objects.filter(
                    establishment=OuterRef("pk"),
                    kind=FlagKind.SILENT,
                    day__gt=day - timedelta(days=SILENT_RECENT_DAYS),
                )
            )
        )
        .annotate(recent=filed(recent_start, end), before=filed(before_start, recent_start))
        # recent/7 < (before/28) / 5, multiplied out to stay in integers.
        .alias(
            recent_scaled=F("recent") * SILENT_BEFORE_DAYS * SILENT_RATIO,
            before_scaled=F("before") * SILENT_RECENT_DAYS,
        )
        .filter(
            before__gte=SILENT_MIN_DAILY_BEFORE * SILENT_BEFORE_DAYS,
            recent_scaled__lt=F("before_scaled"),
        )
    )
    return _raise_for_establishments(
        FlagKind.SILENT, candidates, day=day, now=now, batch_size=batch_size
    )


def _raise_for_establishments(
    kind: str,
    candidates: QuerySet[Establishment],
    *,
    day: date,
    now: datetime,
    batch_size: int,
) -> int:
    # No row lock here: establishments are live rows an owner may be editing. The partial
    # unique index is the compare-and-set: of two workers inserting the same (kind,
    # establishment, day), PostgreSQL makes the second wait for the first and then skip it.
    raised = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                candidates.filter(pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", "ward_id")[:batch_size]
            )
            if not batch:
                break
            last_pk = batch[-1][0]
            raised += _raise(
                kind,
                [
                    Flag(
                        kind=kind,
                        establishment_id=pk,
                        ward_id=ward_id,
                        day=day,
                        raised_at=now,
                    )
                    for pk, ward_id in batch
                ],
                now=now,
                establishment_ids={pk for pk, _ in batch},
                day=day,
            )
        if len(batch) < batch_size:
            break
    logger.info("%s sweep for %s: %d flags raised", kind, day, raised)
    return raised


# --- shared: insert once, notify what this call inserted ---------------------------------------


def _raise(
    kind: str,
    flags: Sequence[Flag],
    *,
    now: datetime,
    establishment_ids: set[int],
    declaration_ids: Sequence[int] | None = None,
    day: date | None = None,
) -> int:
    """Insert ``flags`` (a conflict with an open flag of the same subject inserts nothing),
    then write the notifications of those this call inserted, in the caller's transaction."""
    if not flags:
        return 0
    Flag.objects.bulk_create(flags, ignore_conflicts=True)
    # ignore_conflicts gives no ids back: the flags this call inserted are those carrying its
    # timestamp. Their notifications are written by one INSERT ... SELECT.
    inserted, _written = notify_new_flags(
        kind=kind,
        now=now,
        establishment_ids=establishment_ids,
        declaration_ids=declaration_ids,
        day=day,
    )
    if inserted:
        # After commit only: a task that ran before the commit would find nothing to send,
        # and a broker outage here must not undo the flags (enqueue_sending never raises).
        transaction.on_commit(enqueue_sending)
    return inserted
