"""Enqueueing after commit (luutru.queue): nothing reaches the broker before the commit, and a
broker that is down is logged, never raised."""

from __future__ import annotations

import logging

import pytest
from kombu.exceptions import OperationalError

from luutru.queue import enqueue_after_commit


class FakeTask:
    name = "tests.fake"

    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[tuple] = []
        self.error = error

    def delay(self, *args) -> None:
        if self.error is not None:
            raise self.error
        self.calls.append(args)


@pytest.mark.django_db
def test_it_enqueues_only_once_the_transaction_commits(django_capture_on_commit_callbacks):
    task = FakeTask()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_after_commit(task, 7, "vi")
        assert task.calls == []

    assert len(callbacks) == 1
    assert task.calls == [(7, "vi")]


@pytest.mark.django_db
def test_it_logs_a_broker_outage_instead_of_raising(django_capture_on_commit_callbacks, caplog):
    task = FakeTask(OperationalError("Error 111 connecting to redis"))
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        enqueue_after_commit(task, 7)

    assert "tests.fake" in caplog.text
    assert "broker is unavailable" in caplog.text
