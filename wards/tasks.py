"""Celery tasks of the wards app: each is one line calling a sweep or a service.

Workers acknowledge late (settings), so a task lost with a killed worker runs again; the sweeps
are safe to repeat (wards.flags.sweeps)."""

from __future__ import annotations

from celery import shared_task

from .flags import notifications, sweeps


@shared_task(name="wards.sweep_missing")
def sweep_missing() -> int:
    return sweeps.sweep_missing()


@shared_task(name="wards.sweep_overdue")
def sweep_overdue() -> int:
    return sweeps.sweep_overdue()


@shared_task(name="wards.sweep_unreviewed")
def sweep_unreviewed() -> int:
    return sweeps.sweep_unreviewed()


@shared_task(name="wards.sweep_uncorrected")
def sweep_uncorrected() -> int:
    return sweeps.sweep_uncorrected()


@shared_task(name="wards.sweep_silent")
def sweep_silent() -> int:
    return sweeps.sweep_silent()


@shared_task(name="wards.send_pending_notifications")
def send_pending_notifications() -> int:
    return notifications.send_pending()
