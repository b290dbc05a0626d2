"""Celery tasks of the guests app: each fetches by id and calls a service."""

from __future__ import annotations

from celery import shared_task

from . import retention
from .imports import services as imports


@shared_task(name="guests.run_import")
def run_import(batch_id: int, language: str | None = None) -> None:
    imports.run_import(batch_id=batch_id, language=language)


@shared_task(name="guests.purge_expired")
def purge_expired() -> int:
    return retention.purge_expired()


@shared_task(name="guests.requeue_stale_imports")
def requeue_stale_imports() -> int:
    return imports.requeue_stale_imports()
