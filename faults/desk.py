"""A receptionist at the front desk, over HTTP: logs in (password, then a TOTP code), and files
foreigners through the check-in form with its CSRF token, as a browser would.

A filing counts as confirmed only when the server said so: a 302 back to the filing page, and
that page showing the success message with the guest's name.
"""

from __future__ import annotations

import html
import re
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
FILE_PATH = "/guests/file/foreigner/"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SUCCESS = re.compile(r'class="alert alert-success"[^>]*>(.*?)</div>', re.S)


class DeskError(Exception):
    pass


@dataclass
class Attempt:
    name: str
    started: float  # time.monotonic()
    ended: float
    status: int | None  # None: no HTTP answer at all (connection refused, reset, timeout)
    confirmed: bool
    late: bool
    error: str = ""

    @property
    def server_error(self) -> bool:
        return self.status is not None and self.status >= 500


class Desk:
    def __init__(self, base_url: str, *, timeout: float = 30) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.session = requests.Session()
        self.csrf = ""

    def _get(self, path: str) -> requests.Response:
        return self.session.get(self.base_url + path, timeout=self.timeout, allow_redirects=True)

    def _token(self, page: str) -> str:
        match = _CSRF.search(page)
        if not match:
            raise DeskError("no CSRF token on the page")
        return match.group(1)

    def login(self, username: str, password: str, token) -> None:
        """``token`` is called for the TOTP code when the verification page asks for it."""
        page = self._get("/accounts/login/")
        response = self.session.post(
            self.base_url + "/accounts/login/",
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self._token(page.text),
            },
            headers={"Referer": self.base_url + "/accounts/login/"},
            timeout=self.timeout,
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise DeskError(f"login of {username}: {response.status_code}")
        # The CSRF token rotates at login: read it again from the verification page.
        page = self._get("/accounts/2fa/verify/")
        if "/accounts/2fa/verify/" in page.url:
            response = self.session.post(
                self.base_url + "/accounts/2fa/verify/",
                data={"token": token(), "csrfmiddlewaretoken": self._token(page.text)},
                headers={"Referer": page.url},
                timeout=self.timeout,
                allow_redirects=False,
            )
            if response.status_code != 302:
                raise DeskError(f"second factor of {username}: {response.status_code}")
        page = self._get(FILE_PATH)
        if page.status_code != 200 or FILE_PATH not in page.url:
            raise DeskError(f"{username} cannot reach the filing page: {page.status_code}")
        self.csrf = self._token(page.text)

    def file_foreigner(self, *, name: str, room: str, passport: str, late: bool = False) -> Attempt:
        """File one foreigner; ``late`` puts the arrival 13 hours back (the deadline is 12)."""
        now = datetime.now(LOCAL).replace(second=0, microsecond=0)
        arrival = now - timedelta(hours=13) if late else now - timedelta(minutes=5)
        data = {
            "csrfmiddlewaretoken": self.csrf,
            "action": "file",
            "guest-TOTAL_FORMS": "1",
            "guest-INITIAL_FORMS": "0",
            "guest-MIN_NUM_FORMS": "1",
            "guest-MAX_NUM_FORMS": "20",
            "room": room,
            "arrival": arrival.strftime("%Y-%m-%dT%H:%M"),
            "expected_departure": (arrival + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "submission_key": str(uuid.uuid4()),
            "guest-0-full_name": name,
            "guest-0-sex": "F",
            "guest-0-birth_date": "1985-06-15",
            "guest-0-nationality": "SE",
            "guest-0-document_type": "passport",
            "guest-0-document_number": passport,
            "guest-0-document_expiry": "2034-01-31",
            "guest-0-entry_port": "Nội Bài",
            "guest-0-entry_date": arrival.date().isoformat(),
        }
        started = time.monotonic()
        status: int | None = None
        confirmed = False
        error = ""
        try:
            response = self.session.post(
                self.base_url + FILE_PATH,
                data=data,
                headers={"Referer": self.base_url + FILE_PATH},
                timeout=self.timeout,
                allow_redirects=False,
            )
            status = response.status_code
            if status == 302 and response.headers.get("Location", "").endswith(FILE_PATH):
                # The message is on the page the redirect leads to; that page also carries the
                # next form's token.
                page = self._get(FILE_PATH)
                if page.status_code == 200:
                    self.csrf = self._token(page.text)
                    messages = [html.unescape(m) for m in _SUCCESS.findall(page.text)]
                    confirmed = any(name in m for m in messages)
                else:
                    error = f"page after the redirect: {page.status_code}"
            elif status >= 500:
                error = f"{status}"
            else:
                error = f"unexpected {status}: {response.text[:300]!r}"
        except requests.RequestException as e:
            error = type(e).__name__
        return Attempt(
            name=name,
            started=started,
            ended=time.monotonic(),
            status=status,
            confirmed=confirmed,
            late=late,
            error=error,
        )
