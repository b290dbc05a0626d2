"""Closing the register of a day."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction

from establishments.models import Establishment
from luutru.db import constraint_name
from luutru.models import User

from ..models import RegisterClosing
from .days import not_owed_reason, refusal
from .queries import summarize_day

ONCE_A_DAY = "register_closed_once_a_day"


class RegisterRefused(Exception):
    """The day cannot be closed now; ``str(error)`` is the message for the user."""


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
        if constraint_name(e) != ONCE_A_DAY:
            raise
        return RegisterClosing.objects.get(establishment=establishment, day=day), False
    return closing, True
