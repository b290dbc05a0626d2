from __future__ import annotations

from celery import shared_task

from . import throttle


@shared_task(name="luutru.purge_throttles")
def purge_throttles() -> int:
    return throttle.purge()
