"""The worker survives losing Redis while a task is unacknowledged (luutru.celery_fixes)."""

from __future__ import annotations

from types import SimpleNamespace

from kombu.transport import redis as kombu_redis

import luutru.celery  # noqa: F401 - applies the fix


def test_restoring_unacked_messages_after_the_connection_was_collected_does_not_raise():
    # What Celery 5.7.0 leaves behind: the transport collected (no client), a delivered
    # message not yet acknowledged.
    qos = kombu_redis.QoS.__new__(kombu_redis.QoS)
    qos.channel = SimpleNamespace(connection=SimpleNamespace(client=None))
    qos._delivered = {"tag-1": object()}

    assert qos.restore_unacked() is None
    assert qos._delivered == {}


def test_the_fix_is_applied_once():
    from luutru import celery_fixes

    celery_fixes.apply()
    assert kombu_redis.QoS.restore_unacked is celery_fixes._restore_unacked_unless_collected
