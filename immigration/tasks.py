"""Celery tasks of the immigration app: each one line calling a sweep (safe to repeat)."""

from __future__ import annotations

from celery import shared_task

from . import sweeps


@shared_task(name="immigration.sweep_overdue")
def sweep_overdue() -> int:
    return sweeps.sweep_overdue()
