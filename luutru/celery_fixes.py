"""A worker must survive a Redis outage that starts while a task is running.

Celery 5.7.0 (with kombu 5.7.0), on losing the broker, first collects the connection (which
drops the transport's reference to its client) and then closes it; closing the channel restores
the unacknowledged messages (ours acknowledge late, so the running task's message is one), and
building a Redis client for that from the collected transport raises AttributeError. That is
not a connection error, so it escapes Celery's guard and the worker exits with "Unrecoverable
error: AttributeError("'NoneType' object has no attribute 'hostname'")". Found by the fault
runs (`make faults`, scenario redis): after the outage nothing sent the held-back e-mails.

The fix: when the transport has no client any more, the restore is skipped, as it cannot reach
Redis anyway. The message stays in Redis' unacked set, and kombu puts it back in the queue once
the visibility timeout has passed (as after a killed worker); our tasks are safe to run twice,
and beat re-runs every sweep and the outbox sender meanwhile.
"""

from __future__ import annotations

import logging

from kombu.transport import redis as kombu_redis

logger = logging.getLogger(__name__)

_restore_unacked = kombu_redis.QoS.restore_unacked


def _restore_unacked_unless_collected(self, client=None):
    transport = getattr(self.channel, "connection", None)
    if client is None and transport is not None and getattr(transport, "client", None) is None:
        logger.warning(
            "Broker connection lost with %d unacknowledged message(s): left for redelivery "
            "after the visibility timeout.",
            len(self._delivered),
        )
        self._delivered.clear()
        return None
    return _restore_unacked(self, client)


def apply() -> None:
    if getattr(kombu_redis.QoS.restore_unacked, "_luutru_fix", False):
        return
    _restore_unacked_unless_collected._luutru_fix = True
    kombu_redis.QoS.restore_unacked = _restore_unacked_unless_collected
