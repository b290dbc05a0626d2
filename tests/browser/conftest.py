"""Real-browser journeys: Debian's Chromium driven by Playwright against the live server, with
axe-core run on every page the journeys see, at desktop and at phone width.

Playwright never downloads a browser here: it launches /usr/bin/chromium (the test command of
luutru.stack installs it with apt when it can). Without it the tests marked `browser` are
skipped, with the reason.

Playwright's sync API runs an event loop in the test thread, and Django refuses synchronous
database access from a thread with a running loop unless told it is safe: here it is, since the
test's queries are plain blocking calls made between browser steps, on the test thread's own
connection (the live server's thread has its own).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from .helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    SKIP_REASON_VARIABLE,
    TALLY,
    Actor,
)


def pytest_configure(config: pytest.Config) -> None:
    # Before any test runs: see the module's docstring.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    config.addinivalue_line(
        "markers", "browser: a real-browser journey (Chromium at /usr/bin/chromium, axe-core)"
    )


def chromium_missing_reason() -> str | None:
    if CHROMIUM.exists():
        return None
    why = os.environ.get(SKIP_REASON_VARIABLE) or "not installed"
    return f"browser tests need Chromium at {CHROMIUM}: {why}"


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is None:
        return
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)


# --- pytest-playwright's fixtures, pointed at Debian's Chromium and the live server ---------


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def base_url(django_db_setup, live_server) -> str:
    # Asking for the test database first makes the live server stop (and close its
    # connections) before the database is dropped at the end of the session.
    return live_server.url


@pytest.fixture
def actors(new_context, base_url, request) -> Iterator[Callable[..., Actor]]:
    """``actors(name, language, phone=False)``: a fresh browser context for one user."""
    made: list[Actor] = []
    failed_before = request.session.testsfailed

    def make(name: str, language: str, *, phone: bool = False) -> Actor:
        viewport = PHONE if phone else DESKTOP
        options = {"viewport": viewport}
        if phone:
            options |= {"has_touch": True, "is_mobile": True}
        context = new_context(
            **options,
            # A Vietnamese browser: the site speaks Vietnamese until the visitor picks English.
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            accept_downloads=True,
        )
        actor = Actor(context, name=name, language=language, viewport=viewport, base_url=base_url)
        made.append(actor)
        return actor

    yield make
    if request.session.testsfailed == failed_before:  # else the failure says enough
        for actor in made:
            actor.finish()


def pytest_terminal_summary(terminalreporter) -> None:
    if not TALLY.checks:
        return
    terminalreporter.write_sep("-", "axe-core")
    terminalreporter.write_line(
        f"{TALLY.checks} axe-core runs ({TALLY.checks // 2} page views at "
        f"{DESKTOP['width']}×{DESKTOP['height']} and {PHONE['width']}×{PHONE['height']}), "
        f"{len(TALLY.pages)} distinct routes, {TALLY.seconds:.0f} s in axe; "
        "no serious or critical violation may pass."
    )
    for problem in dict.fromkeys(TALLY.reported):
        terminalreporter.write_line(problem)
    if TALLY.minor:
        listed = ", ".join(f"{rule} ×{count}" for rule, count in sorted(TALLY.minor.items()))
        terminalreporter.write_line(f"moderate/minor findings (not failing): {listed}")
