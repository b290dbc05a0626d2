"""The queries and the Python time of one check-in, as the load test files it.

    DATABASE_URL=postgresql://... DEBUG=1 .venv/bin/python bench/load/profile_filing.py [--profile]

Logs in (Django's test client, the whole middleware chain) as the receptionist of load
establishment 0000 (made by bench/load/generate.py; its front desk has no 2FA), files one
citizen and one foreigner through the real form POST and lists the queries each ran; then times
200 filings of each kind (p50, ms, in process) and with ``--profile`` prints cProfile's top
functions by cumulative time. The guests it files are checked out at the end.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luutru.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from guests.deadlines import to_local  # noqa: E402
from guests.models import Declaration  # noqa: E402
from luutru.models import User  # noqa: E402

DESK = "load-desk-0000"
RUNS = int(os.environ.get("PROFILE_RUNS", "200"))
SUBMISSION_KEY = re.compile(rb'name="submission_key" value="([0-9a-f-]+)"')


def citizen_number(born_year: int, sex: str) -> str:
    # Province 050-096: the generator's numbers all start with 079 + a serial of 9 digits
    # whose 4th digit is 0 or 1, so these (4th digit coded 0-3) never collide with them.
    century = 0 if born_year < 2000 else 2
    code = century + (1 if sex == "F" else 0)
    return f"{random.randint(50, 96):03d}{code}{born_year % 100:02d}{random.randint(0, 999999):06d}"


def payload(kind: str, key: str) -> dict[str, str]:
    now = to_local(timezone.now())
    born = random.randint(1950, 2005)
    sex = random.choice("MF")
    data = {
        "action": "file",
        "submission_key": key,
        "guest-TOTAL_FORMS": "1",
        "guest-INITIAL_FORMS": "0",
        "guest-MIN_NUM_FORMS": "1",
        "guest-MAX_NUM_FORMS": "20",
        "guest-0-full_name": "Khách Thử Tải",
        "guest-0-sex": sex,
        "guest-0-birth_date": f"{born}-03-15",
        "room": f"P{random.randint(100, 999)}",
        "arrival": (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "expected_departure": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    if kind == "citizen":
        data["guest-0-document_number"] = citizen_number(born, sex)
        data["guest-0-reason"] = "Du lịch"
    else:
        data.update(
            {
                "guest-0-nationality": random.choice(["KR", "CN", "US", "FR", "JP"]),
                "guest-0-document_type": "passport",
                "guest-0-document_number": f"Q{random.randint(0, 36**8 - 1):08X}"[:9],
                "guest-0-document_expiry": "2031-01-01",
            }
        )
    return data


def file_once(client: Client, kind: str) -> None:
    url = f"/guests/file/{kind}/"
    page = client.get(url)
    key = SUBMISSION_KEY.search(page.content).group(1).decode()
    response = client.post(url, payload(kind, key))
    assert response.status_code == 302, (response.status_code, response.content[:3000])


def main() -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    desk = User.objects.get(username=DESK)
    client = Client()
    client.force_login(desk)
    started = timezone.now()
    for kind in ("citizen", "foreigner"):
        file_once(client, kind)  # warm up
        url = f"/guests/file/{kind}/"
        page = client.get(url)
        key = SUBMISSION_KEY.search(page.content).group(1).decode()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, payload(kind, key))
        assert response.status_code == 302, response.status_code
        print(f"\n{kind}: {len(queries)} queries in the filing POST")
        for i, query in enumerate(queries.captured_queries, 1):
            print(f"  {i:2d}. {query['sql'][:150]}")
    for kind in ("citizen", "foreigner"):
        url = f"/guests/file/{kind}/"
        times = []
        for _ in range(RUNS):
            page = client.get(url)
            key = SUBMISSION_KEY.search(page.content).group(1).decode()
            data = payload(kind, key)
            t = time.perf_counter()
            client.post(url, data)
            times.append((time.perf_counter() - t) * 1000)
        print(
            f"{kind}: filing POST p50 {statistics.median(times):.1f} ms (in process, {RUNS} runs)"
        )
    if "--profile" in sys.argv:
        profiler = cProfile.Profile()
        url = "/guests/file/citizen/"
        for _ in range(RUNS):
            page = client.get(url)
            key = SUBMISSION_KEY.search(page.content).group(1).decode()
            data = payload("citizen", key)
            profiler.enable()
            client.post(url, data)
            profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
            45
        )
    Declaration.objects.filter(
        filed_by=desk, filed_at__gte=started, departed_at__isnull=True
    ).update(departed_at=timezone.now(), departed_by=desk, overdue_check_at=None)


if __name__ == "__main__":
    main()
