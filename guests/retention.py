"""Purging guests' data after the retention period (Law 91/2025 on personal data protection:
kept no longer than the purpose needs). A declaration goes a configured number of days after
the guest's departure, with its versions, reviews and flags; an uploaded CSV file goes the
same number of days after its upload. What stays: register closings (counts only) and the
access log, which names declarations by id only."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Declaration, ImportBatch

BATCH = 1000


def retention() -> timedelta:
    return timedelta(days=settings.GUEST_DATA_RETENTION_DAYS)


def purge_expired(*, now: datetime | None = None) -> int:
    """Delete what has outlived the retention period, a batch at a time (short transactions,
    so a large first purge does not hold locks for long). Returns how many declarations went.
    Reads only departed declarations through the partial index on departed_at."""
    cutoff = (now or timezone.now()) - retention()
    purged = 0
    while True:
        with transaction.atomic():
            ids = list(
                Declaration.objects.filter(departed_at__lt=cutoff)
                .order_by("departed_at")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                break
            Declaration.objects.filter(pk__in=ids).delete()
            purged += len(ids)
    ImportBatch.objects.filter(uploaded_at__lt=cutoff).delete()
    return purged
