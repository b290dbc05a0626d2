"""Slowing down password guessing without handing attackers a way to lock people out.

Failed log-ins are counted per account and per address, independently; a success clears only
the account's own count, never the address's (one good login of one's own account must not buy
more guesses at somebody else's).

- **Per account**, a delay that grows: after `LOGIN_FREE_FAILURES` failures, each further
  failure doubles the wait before the account's password is checked again, up to
  `LOGIN_DELAY_MAX`. A wait is not a lock: the owner still gets in (a) from a browser that has
  logged in to the account before (`TrustedBrowser`), or (b) with the password and a current
  second-factor code together, which the attacker does not have.
- **Per address**, a hard limit: `LOGIN_ADDRESS_LIMIT` failures within `LOGIN_ADDRESS_WINDOW`
  pause every log-in from there but those of trusted browsers.

Counters live in PostgreSQL (`Throttle`), so a Redis outage neither locks anyone out nor lets
anyone in, and concurrent requests count correctly (one upsert each).
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from .clientip import client_ip
from .models import Throttle, TrustedBrowser, User

LOGIN_ACCOUNT = "login-account"
LOGIN_ADDRESS = "login-address"
RESET_ACCOUNT = "reset-account"
RESET_ADDRESS = "reset-address"

BROWSER_COOKIE = "luutru_browser"
BROWSER_TRUST_DAYS = 180
BROWSER_TRUST_FAILURES = 5


def _digest(value: str) -> str:
    return salted_hmac("luutru.throttle", value).hexdigest()


def account_key(username: str) -> str:
    # "Omar" and "omar " are the same guess at the same person.
    return username.strip().casefold()


@dataclass(frozen=True)
class Counter:
    count: int
    window_start: datetime | None
    last_at: datetime | None


NO_COUNT = Counter(0, None, None)


def read(scope: str, key: str, *, window: timedelta, now: datetime | None = None) -> Counter:
    now = now or timezone.now()
    row = Throttle.objects.filter(scope=scope, key=_digest(key)).first()
    if row is None or row.window_start <= now - window:
        return NO_COUNT
    return Counter(row.count, row.window_start, row.last_at)


def hit(scope: str, key: str, *, window: timedelta, now: datetime | None = None) -> Counter:
    """Count one more, in one statement: two requests at once both count."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO luutru_throttle AS t (scope, key, count, window_start, last_at)
            VALUES (%(scope)s, %(key)s, 1, %(now)s, %(now)s)
            ON CONFLICT (scope, key) DO UPDATE SET
                count = CASE WHEN t.window_start <= %(expired)s THEN 1 ELSE t.count + 1 END,
                window_start = CASE WHEN t.window_start <= %(expired)s
                                    THEN %(now)s ELSE t.window_start END,
                last_at = %(now)s
            RETURNING count, window_start, last_at
            """,
            {"scope": scope, "key": _digest(key), "now": now, "expired": now - window},
        )
        count, window_start, last_at = cursor.fetchone()
    return Counter(count, window_start, last_at)


def clear(scope: str, key: str) -> None:
    Throttle.objects.filter(scope=scope, key=_digest(key)).delete()


def purge(*, now: datetime | None = None) -> int:
    """Forget counters nobody has touched for longer than the longest window."""
    now = now or timezone.now()
    longest = max(settings.LOGIN_ACCOUNT_WINDOW, settings.LOGIN_ADDRESS_WINDOW, timedelta(days=1))
    deleted, _rows = Throttle.objects.filter(last_at__lt=now - longest).delete()
    stale = now - timedelta(days=BROWSER_TRUST_DAYS)
    TrustedBrowser.objects.filter(last_used_at__lt=stale).delete()
    return deleted


def account_delay(failures: int) -> timedelta:
    """The wait after the n-th failure in a row: none for the first few (a typo, caps lock),
    then 1, 2, 4, 8 … times the base, up to the cap."""
    over = failures - settings.LOGIN_FREE_FAILURES
    if over <= 0:
        return timedelta(0)
    base = settings.LOGIN_DELAY_BASE.total_seconds()
    cap = settings.LOGIN_DELAY_MAX.total_seconds()
    return timedelta(seconds=min(base * 2 ** min(over - 1, 30), cap))


def wait_words(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


# --- trusted browsers ---------------------------------------------------------------------------


def _browser_id(request: HttpRequest) -> str:
    value = request.COOKIES.get(BROWSER_COOKIE, "")
    return value if 20 <= len(value) <= 64 and value.isascii() else ""


def trusted_browser(request: HttpRequest, username: str) -> TrustedBrowser | None:
    browser = _browser_id(request)
    if not browser:
        return None
    since = timezone.now() - timedelta(days=BROWSER_TRUST_DAYS)
    return (
        TrustedBrowser.objects.filter(
            user__username=username, browser_hash=_digest(browser), created_at__gte=since
        )
        .select_related("user")
        .first()
    )


def trust_browser(request: HttpRequest, response: HttpResponse, user: User) -> None:
    """After a successful log-in: this browser is known to this account from now on."""
    browser = _browser_id(request) or secrets.token_urlsafe(32)
    TrustedBrowser.objects.update_or_create(
        user=user,
        browser_hash=_digest(browser),
        defaults={"last_used_at": timezone.now(), "failures": 0},
    )
    response.set_cookie(
        BROWSER_COOKIE,
        browser,
        max_age=BROWSER_TRUST_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# --- the log-in guard ---------------------------------------------------------------------------


@dataclass
class LoginGuard:
    """What the log-in form asks before and tells after checking a password."""

    request: HttpRequest
    username: str

    def __post_init__(self) -> None:
        self.address = client_ip(self.request) or "unknown"
        self.trusted = trusted_browser(self.request, self.username)

    def address_wait(self, now: datetime | None = None) -> int:
        if self.trusted is not None:
            return 0
        now = now or timezone.now()
        window = settings.LOGIN_ADDRESS_WINDOW
        counter = read(LOGIN_ADDRESS, self.address, window=window, now=now)
        if counter.count < settings.LOGIN_ADDRESS_LIMIT:
            return 0
        return max(1, math.ceil((counter.window_start + window - now).total_seconds()))

    def account_wait(self, now: datetime | None = None) -> int:
        if self.trusted is not None:
            return 0
        now = now or timezone.now()
        key = account_key(self.username)
        counter = read(LOGIN_ACCOUNT, key, window=settings.LOGIN_ACCOUNT_WINDOW, now=now)
        if counter.last_at is None:
            return 0
        until = counter.last_at + account_delay(counter.count)
        return max(0, math.ceil((until - now).total_seconds()))

    def failed(self) -> None:
        hit(LOGIN_ADDRESS, self.address, window=settings.LOGIN_ADDRESS_WINDOW)
        hit(LOGIN_ACCOUNT, account_key(self.username), window=settings.LOGIN_ACCOUNT_WINDOW)
        if self.trusted is not None:
            self.trusted.failures += 1
            if self.trusted.failures >= BROWSER_TRUST_FAILURES:
                self.trusted.delete()
            else:
                self.trusted.save(update_fields=["failures"])

    def succeeded(self) -> None:
        # Only the account's own count: the address may be an attacker's with an account.
        clear(LOGIN_ACCOUNT, account_key(self.username))
