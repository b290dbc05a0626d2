"""Enqueueing a Celery task from a request or a sweep (STYLE 9): after the commit, passing ids,
and never failing the caller."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue_after_commit(task: Any, *args: Any) -> None:
    """``task.delay(*args)`` once the current transaction commits (at once outside one): a
    worker that ran earlier would not see the rows. A broker that is down is logged, not
    raised: the rows are safe in PostgreSQL and a beat sweep picks them up later."""
    transaction.on_commit(partial(_delay, task, *args))


def _delay(task: Any, *args: Any) -> None:
    try:
        task.delay(*args)
    except OperationalError:
        logger.warning(
            "%s%r not enqueued: the broker is unavailable", task.name, args, exc_info=True
        )
