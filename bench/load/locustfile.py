"""The load scenario: front desks filing check-ins, owners auditing, officers reviewing.

Run by bench/load/run.py (which starts gunicorn and reads the results); on its own:

    .venv/bin/locust -f bench/load/locustfile.py --host http://127.0.0.1:8123 --headless ...

Against a database filled by bench/load/generate.py. Users, by weight:

- 70 % receptionists (``Desk``): each logs in as its own receptionist of its own establishment
  (load-desk-0000, -0001, ...; the odd ones do the TOTP step), then files one guest per
  iteration through the real form: GET the form (CSRF token, submission key), POST it (named
  "file (POST)", expected 302). Two in three are citizens, one in three foreigners, each with a
  document number no one else has. Every tenth iteration it also opens the desk (the guests
  staying now) and checks out a selection of up to 12 of them, so the house does not fill up.
- 20 % owners (``Owner``): the audit list with random filters (period, kind, status, late,
  sort), its second page, and one declaration of the page.
- 10 % officers (``Officer``): the review inbox, one declaration of its first page, confirm it.

Pacing (``constant_throughput``, per user): LOAD_DESK_RATE filings per second per receptionist
(default 0.5), LOAD_OWNER_RATE (0.05) and LOAD_OFFICER_RATE (0.1) rounds per second.

LOAD_MODE selects the shape (the shape resets the statistics after each warm-up, so logins and
warm-up are not in the figures, and writes each measured window to LOAD_STEPS_FILE as JSON):

- ``ramp``: LOAD_STEP_USERS more users every LOAD_STEP_SECONDS (the first LOAD_WARMUP_SECONDS
  of each step are not measured) until a step has failures, a filing p99 above LOAD_P99_MS, or
  a throughput less than 5 % above the previous step's; LOAD_MAX_USERS at most.
- ``hold``: LOAD_USERS users; once all have logged in, a LOAD_WARMUP_SECONDS warm-up, then
  LOAD_HOLD_SECONDS measured.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlencode

from locust import LoadTestShape, constant_throughput, task
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = os.environ.get("LOAD_PASSWORD", "load-luutru-2026")
ESTABLISHMENTS = 1000
WARDS = 40
OFFICERS_PER_WARD = 3
DESK_RATE = float(os.environ.get("LOAD_DESK_RATE", "0.5"))
OWNER_RATE = float(os.environ.get("LOAD_OWNER_RATE", "0.05"))
OFFICER_RATE = float(os.environ.get("LOAD_OFFICER_RATE", "0.1"))
CHECK_OUT_EVERY = 10
CHECK_OUT_AT_MOST = 12
FILING = "file (POST)"
LOCAL = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh has no daylight saving time

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION_KEY = re.compile(r'name="submission_key" value="([0-9a-f-]+)"')
STAYING = re.compile(r'name="declaration" value="(\d+)"')
GUEST_LINK = re.compile(r'href="/guests/(\d+)/"')
OFFICER_LINK = re.compile(r'href="/wards/inbox/declarations/(\d+)/"')
VERSION = re.compile(r'name="version" value="(\d*)"')

NATIONALITIES = ["KR", "KR", "CN", "CN", "JP", "US", "FR", "DE", "AU", "GB", "RU", "TH"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVENS = ["Văn An", "Thị Bình", "Minh Cường", "Thị Hoa", "Đức Long", "Ngọc Lan", "Quốc Huy"]
FOREIGN = ["KIM MIN JUN", "WANG WEI", "TANAKA YUKI", "SMITH JOHN", "DUPONT MARIE", "LI NA"]

_desks = itertools.count()
_owners = itertools.count()
_officers = itertools.count()
# Users done logging in: the hold is measured only once all are (a login is a PBKDF2 hash,
# hundreds of them at once would take the first minute).
logged_in = 0


def totp_key(username: str) -> bytes:
    """The TOTP key bench/load/generate.py gave this account."""
    return bytes.fromhex(
        hmac.new(b"luutru-load-totp", username.encode(), hashlib.sha256).hexdigest()[:40]
    )


def totp(key: bytes, at: float | None = None) -> str:
    """RFC 6238 with django-otp's defaults: SHA-1, 30-second steps, 6 digits."""
    counter = int(at if at is not None else time.time()) // 30
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 1_000_000:06d}"


def first(pattern: re.Pattern[str], text: str | None) -> str:
    match = pattern.search(text or "")
    return match.group(1) if match else ""


class Portal(FastHttpUser):
    abstract = True
    username = ""

    def login(self) -> None:
        global logged_in
        self.log_in()
        logged_in += 1

    def log_in(self) -> None:
        page = self.client.get("/accounts/login/", name="login page")
        response = self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": first(CSRF, page.text),
            },
            name="login (POST)",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username}: login refused ({response.status_code})")
        home = self.client.get("/", name="home after login", allow_redirects=False)
        target = home.headers.get("Location") or ""
        if "/accounts/2fa/verify/" not in target:
            return
        home = self.client.get(target, name="2fa page")
        key = totp_key(self.username)
        for attempt in range(2):
            response = self.client.post(
                "/accounts/2fa/verify/",
                data={"token": totp(key), "csrfmiddlewaretoken": first(CSRF, home.text)},
                name="2fa verify (POST)",
                allow_redirects=False,
            )
            if response.status_code == 302:
                return
            # The code of this 30-second step was used already (the same account in a
            # previous run): wait for the next step.
            if attempt == 0:
                time.sleep(31 - time.time() % 30)
                home = self.client.get("/accounts/2fa/verify/", name="2fa page")
        raise RuntimeError(f"{self.username}: second factor refused")


class Desk(Portal):
    weight = 7
    wait_time = constant_throughput(DESK_RATE)

    def on_start(self) -> None:
        self.number = next(_desks) % ESTABLISHMENTS
        self.username = f"load-desk-{self.number:04d}"
        self.filed = 0
        self.login()

    def citizen(self) -> dict[str, str]:
        born = random.randint(1950, 2006)
        sex = random.choice("MF")
        century = 0 if born < 2000 else 2
        # Province 050-096: never the generator's 079... numbers, nor any earlier run's
        # (the last six digits are random; a clash needs the same house, sex and year too).
        number = (
            f"{random.randint(50, 96):03d}{century + (sex == 'F')}{born % 100:02d}"
            f"{random.randint(0, 999_999):06d}"
        )
        return {
            "guest-0-full_name": f"{random.choice(SURNAMES)} {random.choice(GIVENS)}",
            "guest-0-sex": sex,
            "guest-0-birth_date": f"{born}-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}",
            "guest-0-document_number": number,
            "guest-0-reason": "Du lịch",
        }

    def foreigner(self) -> dict[str, str]:
        # Q + 8 base-36 characters: 2.8e12 numbers, the generator's start with L or P.
        serial = random.randrange(36**8)
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        number = "Q" + "".join(digits[serial // 36**i % 36] for i in range(8))
        return {
            "guest-0-full_name": random.choice(FOREIGN),
            "guest-0-sex": random.choice("MF"),
            "guest-0-birth_date": f"{random.randint(1950, 2006)}-06-15",
            "guest-0-nationality": random.choice(NATIONALITIES),
            "guest-0-document_type": "passport",
            "guest-0-document_number": number,
            "guest-0-document_expiry": "2032-01-01",
            "guest-0-entry_port": "Nội Bài",
        }

    @task
    def check_in(self) -> None:
        kind = "citizen" if random.random() < 2 / 3 else "foreigner"
        url = f"/guests/file/{kind}/"
        page = self.client.get(url, name="file form (GET)")
        now = datetime.now(UTC).astimezone(LOCAL)
        data = {
            "action": "file",
            "csrfmiddlewaretoken": first(CSRF, page.text),
            "submission_key": first(SUBMISSION_KEY, page.text),
            "guest-TOTAL_FORMS": "1",
            "guest-INITIAL_FORMS": "0",
            "guest-MIN_NUM_FORMS": "1",
            "guest-MAX_NUM_FORMS": "20",
            "room": str(100 * random.randint(1, 6) + random.randint(1, 30)),
            "arrival": (now - timedelta(minutes=random.randint(1, 30))).strftime("%Y-%m-%dT%H:%M"),
            "expected_departure": (now + timedelta(days=random.randint(1, 4))).strftime(
                "%Y-%m-%dT12:00"
            ),
            **(self.citizen() if kind == "citizen" else self.foreigner()),
        }
        with self.client.post(
            url, data=data, name=FILING, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"filing not accepted: {response.status_code}")
        self.filed += 1
        if self.filed % CHECK_OUT_EVERY == 0:
            self.check_out()

    def check_out(self) -> None:
        desk = self.client.get("/guests/desk/", name="desk (GET)")
        ids = STAYING.findall(desk.text or "")
        if not ids:
            return
        chosen = random.sample(ids, min(CHECK_OUT_AT_MOST, len(ids)))
        body = urlencode(
            {
                "csrfmiddlewaretoken": first(CSRF, desk.text),
                "declaration": chosen,
                # The confirmation step's departure time, in Viet Nam's local time (UTC+7).
                "departed_at": (datetime.now(UTC) + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M"),
            },
            True,
        )
        with self.client.post(
            "/guests/check-out/",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name="check-out (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"check-out not accepted: {response.status_code}")


class Owner(Portal):
    weight = 2
    wait_time = constant_throughput(OWNER_RATE)

    def on_start(self) -> None:
        self.username = f"load-owner-{next(_owners) % ESTABLISHMENTS:04d}"
        self.login()

    @task
    def audit(self) -> None:
        today = datetime.now(UTC).astimezone(LOCAL).date()
        start = today - timedelta(days=random.choice([0, 7, 30, 90, 365]))
        params = {
            "date_from": start.isoformat(),
            "date_to": today.isoformat(),
            "kind": random.choice(["", "", "citizen", "foreigner"]),
            "status": random.choice(["", "", "", "pending", "confirmed"]),
            "late": random.choice(["", "", "", "yes", "no"]),
            "sort": random.choice(["-filed", "-filed", "filed", "name", "-arrival", "room"]),
        }
        query = "&".join(f"{name}={value}" for name, value in params.items())
        listing = self.client.get(f"/guests/audit/?{query}", name="audit list")
        second = self.client.get(f"/guests/audit/?{query}&page=2", name="audit page 2")
        ids = GUEST_LINK.findall(second.text or "") or GUEST_LINK.findall(listing.text or "")
        if ids:
            self.client.get(f"/guests/{random.choice(ids)}/", name="declaration (owner)")


class Officer(Portal):
    weight = 1
    wait_time = constant_throughput(OFFICER_RATE)

    def on_start(self) -> None:
        n = next(_officers)
        ward, k = n % WARDS, n // WARDS % OFFICERS_PER_WARD
        self.username = f"load-officer-{ward:02d}-{k}"
        self.login()

    @task
    def review(self) -> None:
        inbox = self.client.get("/wards/inbox/", name="inbox")
        ids = OFFICER_LINK.findall(inbox.text or "")
        if not ids:
            return
        pk = random.choice(ids)
        page = self.client.get(f"/wards/inbox/declarations/{pk}/", name="declaration (officer)")
        with self.client.post(
            f"/wards/inbox/declarations/{pk}/confirm/",
            data={
                "csrfmiddlewaretoken": first(CSRF, page.text),
                "version": first(VERSION, page.text),
                "next": "/wards/inbox/",
            },
            name="confirm (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"confirm not accepted: {response.status_code}")


# --- the shapes ---------------------------------------------------------------------------------


def snapshot(environment, *, window: float, **extra) -> dict:
    stats = environment.stats
    entries = {}
    for entry in [*stats.entries.values(), stats.total]:
        if not entry.num_requests:
            continue
        entries[entry.name if entry is not stats.total else "ALL"] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": entry.num_requests / window,
            "p50": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
            "p99": entry.get_response_time_percentile(0.99),
            "max": entry.max_response_time,
        }
    errors = [
        {"name": e.name, "error": str(e.error), "count": e.occurrences}
        for e in stats.errors.values()
    ]
    return {"time": time.time(), "window": window, "entries": entries, "errors": errors, **extra}


class Recorder(LoadTestShape):
    """Writes each measured window (after a reset) to LOAD_STEPS_FILE and the running total of
    requests to LOAD_STEPS_FILE + '.progress' (the runner reads it to take the worker RSS after
    50,000 requests)."""

    abstract = True
    warmup = float(os.environ.get("LOAD_WARMUP_SECONDS", "20"))

    def __init__(self) -> None:
        super().__init__()
        self.path = os.environ.get("LOAD_STEPS_FILE", "load-steps.jsonl")
        self.before = 0  # requests counted before the last reset
        self.measuring_since: float | None = None

    def reset(self) -> None:
        self.before += self.runner.environment.stats.total.num_requests
        self.runner.environment.stats.reset_all()
        self.measuring_since = time.time()
        self.write({"event": "measure", "time": self.measuring_since, "users": self.users()})

    def record(self, **extra) -> dict:
        window = time.time() - (self.measuring_since or time.time())
        record = snapshot(self.runner.environment, window=max(window, 1e-9), **extra)
        self.write({"event": "window", **record})
        return record

    def users(self) -> int:
        return self.runner.user_count

    def write(self, record: dict) -> None:
        with open(self.path, "a") as out:
            out.write(json.dumps(record) + "\n")

    def progress(self) -> None:
        total = self.before + self.runner.environment.stats.total.num_requests
        with open(self.path + ".progress", "w") as out:
            out.write(f"{time.time()} {total} {self.runner.user_count}\n")


if os.environ.get("LOAD_MODE") == "ramp":

    class Ramp(Recorder):
        step_users = int(os.environ.get("LOAD_STEP_USERS", "20"))
        step_seconds = float(os.environ.get("LOAD_STEP_SECONDS", "60"))
        max_users = int(os.environ.get("LOAD_MAX_USERS", "700"))
        p99_limit = float(os.environ.get("LOAD_P99_MS", "100"))

        def __init__(self) -> None:
            super().__init__()
            self.step = 0
            self.previous_rps = 0.0
            self.done = False

        def tick(self):
            self.progress()
            if self.done:
                return None
            run_time = self.get_run_time()
            step = int(run_time // self.step_seconds)
            into = run_time - step * self.step_seconds
            if step != self.step:
                # The end of a step: record its window and decide whether to go on.
                record = self.record(step=self.step + 1, users=(self.step + 1) * self.step_users)
                filing = record["entries"].get(FILING, {})
                total = record["entries"].get("ALL", {})
                reasons = []
                if total.get("failures"):
                    reasons.append(f"{total['failures']} failures")
                if filing.get("p99", 0) > self.p99_limit:
                    reasons.append(f"filing p99 {filing['p99']:.0f} ms > {self.p99_limit:.0f}")
                if self.step and total.get("rps", 0) < self.previous_rps * 1.05:
                    reasons.append(
                        f"throughput {total.get('rps', 0):.1f} req/s, not 5 % above the previous "
                        f"step's {self.previous_rps:.1f}"
                    )
                if (self.step + 1) * self.step_users >= self.max_users:
                    reasons.append(f"{self.max_users} users reached")
                self.previous_rps = total.get("rps", 0)
                self.step = step
                self.measuring_since = None
                if reasons:
                    self.write({"event": "break", "step": step, "reasons": reasons})
                    self.done = True
                    return None
            if self.measuring_since is None and into >= self.warmup:
                self.reset()
            users = (step + 1) * self.step_users
            return users, max(float(self.step_users), 5.0)

else:

    class Hold(Recorder):
        users_wanted = int(os.environ.get("LOAD_USERS", "300"))
        spawn_rate = float(os.environ.get("LOAD_SPAWN_RATE", "20"))
        seconds = float(os.environ.get("LOAD_HOLD_SECONDS", "600"))

        def __init__(self) -> None:
            super().__init__()
            self.all_in: float | None = None

        def tick(self):
            self.progress()
            spawned_by = self.users_wanted / self.spawn_rate
            # All logged in (or, should some fail, two minutes after the last one started).
            if self.all_in is None and (
                logged_in >= self.users_wanted or self.get_run_time() > spawned_by + 120
            ):
                self.all_in = time.time()
            if (
                self.measuring_since is None
                and self.all_in
                and (time.time() - self.all_in >= self.warmup)
            ):
                self.reset()
            if self.measuring_since is not None and time.time() - self.measuring_since >= (
                self.seconds
            ):
                self.record(users=self.users())
                return None
            return self.users_wanted, self.spawn_rate
