"""A CSV upload goes through a real Celery worker and a real Redis, end to end.

Needs REDIS_URL (the test command sets it); without it this fails rather than skips, so a run
that never touched Celery cannot pass for one that did.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse
from django.utils import timezone, translation

from guests.deadlines import to_local
from guests.models import Declaration, ImportBatch, ImportStatus
from luutru.celery import app
from tests import factories as f
from tests.guests.helpers import CITIZEN, FOREIGNER, make_csv

TIMEOUT_SECONDS = 30


@pytest.fixture
def worker(transactional_db):
    if not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL is not set: this test needs a real Redis for the Celery broker.")
    app.conf.broker_url = settings.CELERY_BROKER_URL
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30) as w:
        yield w
    # The worker thread opened a database connection of its own.
    connections.close_all()


def test_an_uploaded_file_is_checked_and_filed_by_the_worker(client, worker, settings):
    settings.LANGUAGE_CODE = "en"
    ward = f.make_ward()
    establishment = f.make_establishment(ward=ward)
    rita = f.make_staff(establishment=establishment, username="rita")
    # Arrivals relative to now: the test runs on the real clock, as the worker does.
    now = to_local(timezone.now())
    arrival = (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    departure = (now + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    rows = [r | {"arrival": arrival, "expected_departure": departure} for r in (FOREIGNER, CITIZEN)]

    with translation.override("en"):
        f.login(client, rita)
        response = client.post(
            reverse("guests:import"),
            {"file": SimpleUploadedFile("guests.csv", make_csv(*rows), "text/csv")},
        )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()

    deadline = time.monotonic() + TIMEOUT_SECONDS
    while batch.status not in (ImportStatus.FILED, ImportStatus.FAILED):
        assert time.monotonic() < deadline, f"still {batch.status} after {TIMEOUT_SECONDS} s"
        time.sleep(0.2)
        batch.refresh_from_db()

    assert batch.status == ImportStatus.FILED, batch.errors
    assert batch.filed == 2
    assert Declaration.objects.filter(establishment=establishment).count() == 2


def test_a_batch_no_worker_took_is_enqueued_again_and_filed(worker, settings):
    # Redis was down at upload time: the batch was saved but its message never reached a
    # worker. The beat sweep finds it once it has waited long enough.
    from guests.imports.services import requeue_stale_imports

    ward = f.make_ward()
    establishment = f.make_establishment(ward=ward)
    rita = f.make_staff(establishment=establishment, username="rita")
    now = to_local(timezone.now())
    arrival = (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    departure = (now + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    content = make_csv(FOREIGNER | {"arrival": arrival, "expected_departure": departure})
    batch = ImportBatch.objects.create(
        establishment=establishment,
        uploaded_by=rita,
        uploaded_at=timezone.now() - timedelta(minutes=10),
        filename="lost.csv",
        sha256="0" * 64,
        content=content,
    )
    fresh = ImportBatch.objects.create(
        establishment=establishment,
        uploaded_by=rita,
        uploaded_at=timezone.now(),
        filename="fresh.csv",
        sha256="1" * 64,
        content=content,
    )

    assert requeue_stale_imports() == 1

    deadline = time.monotonic() + TIMEOUT_SECONDS
    while batch.status != ImportStatus.FILED:
        assert time.monotonic() < deadline, f"still {batch.status} after {TIMEOUT_SECONDS} s"
        time.sleep(0.2)
        batch.refresh_from_db()
    assert Declaration.objects.filter(establishment=establishment).count() == 1
    fresh.refresh_from_db()
    assert fresh.status == ImportStatus.QUEUED
