"""The deadline sweep: an application the office has not decided by its working-day deadline
(Law 47/2014, arts. 16, 35 and 37: five working days) is flagged once, and the province's
officers are told."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from . import notifications
from .models import WAITING_STATES, Application

BATCH = 500


def due(now: datetime):
    """The rows come due: the very condition of the partial index ``immigration_due``, so the
    sweep reads those and nothing else."""
    return Application.objects.filter(
        state__in=WAITING_STATES, overdue_at__isnull=True, due_at__lte=now
    ).order_by("due_at")


def sweep_overdue(now: datetime | None = None) -> int:
    """Flag the waiting applications past their deadline; returns how many this call flagged.

    Each batch is claimed with SKIP LOCKED and marked compare-and-set (still waiting, still
    unflagged) in the transaction that writes its notifications: a second worker skips the rows
    held by the first, and a retried sweep finds them flagged already."""
    now = now or timezone.now()
    flagged = 0
    while True:
        with transaction.atomic():
            claimed = list(
                due(now)
                .select_for_update(skip_locked=True)
                .only("pk", "reference", "kind", "province_id", "due_at")[:BATCH]
            )
            if not claimed:
                return flagged
            ids = [a.pk for a in claimed]
            marked = Application.objects.filter(
                pk__in=ids, state__in=WAITING_STATES, overdue_at__isnull=True
            ).update(overdue_at=now)
            flagged += marked
            by_province: dict[int, list[Application]] = defaultdict(list)
            for application in claimed:
                by_province[application.province_id].append(application)
            for province_id, applications in by_province.items():
                officers = list(notifications.office_officers(province_id))
                for application in applications:
                    notifications.write(
                        officers,
                        lambda a=application: notifications.overdue_message(a),
                        url=notifications.office_url(application),
                        at=now,
                    )
        if len(claimed) < BATCH:
            return flagged
