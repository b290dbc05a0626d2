"""Celery tasks of the guests app: each fetches by id and calls a service."""

from __future__ import annotations

from celery import shared_task

from . import csv_import, retention


@shared_task(name="guests.run_import")
def run_import(batch_id: int, language: str | None = None) -> None:
    csv_import.run_import(batch_id=batch_id, language=language)


@shared_task(name="guests.purge_expired")
def purge_expired() -> int:
    return retention.purge_expired()


@shared_task(name="guests.requeue_stale_imports")
def requeue_stale_imports() -> int:
    return csv_import.requeue_stale_imports()
