"""Helpers of the security probes: send a request and fail with the input shown when the
server breaks, each request in a savepoint of its own so that one example cannot change what
the next one finds."""

from __future__ import annotations

import contextlib
import copy
import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings

from guests.deadlines import to_local

# Fuzzing through the test client and PostgreSQL: no deadline (the first request of a test
# compiles templates), no example database in the shared working tree, and the Django fixtures
# are set up once per test, not per example, on purpose (every example runs in a savepoint).
FUZZ = settings(
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    max_examples=12,
)


# Examples of each form; SECURITY_FUZZ_EXAMPLES=200 makes a longer hunt of every fuzz test.
EXAMPLES = int(os.environ.get("SECURITY_FUZZ_EXAMPLES", "20"))


def scaled(count: int) -> int:
    """``count`` examples at the default setting, more or fewer with SECURITY_FUZZ_EXAMPLES."""
    return max(1, count * EXAMPLES // 20)


class ServerError(AssertionError):
    pass


def describe(value: object, limit: int = 600) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def send(client: Client, method: str, url: str, data=None, **extra):
    """The response, or an AssertionError naming the input when the view raised (the test
    client re-raises a view's exception instead of returning the 500) or answered 5xx."""
    try:
        if method == "GET":
            response = client.get(url, data or {}, **extra)
        else:
            response = client.post(url, data or {}, **extra)
    except Exception as e:  # noqa: BLE001 - any exception of the view is the finding
        raise ServerError(f"{method} {url} raised {e!r} with {describe(data)}") from e
    if response.status_code >= 500:
        raise ServerError(f"{method} {url} answered {response.status_code} with {describe(data)}")
    return response


@contextlib.contextmanager
def isolated(*clients: Client) -> Iterator[None]:
    """Run a request and roll back whatever it wrote, session rows and cookies included."""
    cookies = [copy.deepcopy(client.cookies) for client in clients]
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)
        # Back at the savepoint, an error the example hit no longer poisons the transaction.
        connection.needs_rollback = False
        for client, saved in zip(clients, cookies, strict=True):
            client.cookies = saved


# --- what the desk types ----------------------------------------------------------------------


def local_input(moment: datetime) -> str:
    """A moment as the browser's datetime-local input sends it (Viet Nam time)."""
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def stay_input(*, room: str = "301", arrived_hours_ago: float = 1) -> dict[str, str]:
    now = timezone.now()
    return {
        "room": room,
        "arrival": local_input(now - timedelta(hours=arrived_hours_ago)),
        "expected_departure": local_input(now + timedelta(days=2)),
    }


def management_input(prefix: str = "guest", count: int = 1) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(count),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "1",
        f"{prefix}-MAX_NUM_FORMS": "20",
    }


def filing_input(guest: dict[str, str], **stay: object) -> dict[str, str]:
    """One guest filed from the foreigner or citizen page."""
    return {
        "action": "file",
        "submission_key": str(uuid.uuid4()),
        **stay_input(**stay),  # type: ignore[arg-type]
        **management_input(),
        **{f"guest-0-{name}": value for name, value in guest.items()},
    }
