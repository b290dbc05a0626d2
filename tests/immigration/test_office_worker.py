"""The deadline sweep runs on a real Celery worker over the real Redis (REDIS_URL), and the
officers' e-mails it writes are sent by the worker after its commit."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connections
from django.utils import timezone

from immigration import tasks
from immigration.models import Application, State
from luutru.celery import app
from tests import factories as f
from wards.models import Notification, NotificationChannel

TIMEOUT_SECONDS = 40


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not after {TIMEOUT_SECONDS} s"
        time.sleep(0.2)


@pytest.fixture
def worker(transactional_db, settings):
    if not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL is not set: this test needs a real Redis for the Celery broker.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        yield
    connections.close_all()  # the worker thread opened a connection of its own


def test_the_sweep_task_flags_and_the_worker_sends_the_e_mails(worker):
    ward = f.make_ward()
    establishment = f.make_establishment(ward=ward)
    alice = f.make_staff(establishment=establishment, role="owner")
    f.make_immigration_officer(province=ward.province, email="ivan@xnc.example.vn")
    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.SUBMITTED
    )
    Application.objects.filter(pk=application.pk).update(
        due_at=timezone.now() - timedelta(minutes=5)
    )
    # The submission's own e-mail goes first.
    wait_until(lambda: not unsent(), "the submission's e-mail sent")
    sent_before = len(mail.outbox)

    tasks.sweep_overdue.delay()

    wait_until(
        lambda: Application.objects.filter(pk=application.pk, overdue_at__isnull=False).exists(),
        "the application flagged",
    )
    wait_until(lambda: not unsent(), "the overdue e-mail sent")
    (message,) = mail.outbox[sent_before:]
    assert message.to == ["ivan@xnc.example.vn"]
    assert application.reference in message.subject


def unsent() -> bool:
    return Notification.objects.filter(
        channel=NotificationChannel.EMAIL, sent_at__isnull=True
    ).exists()
