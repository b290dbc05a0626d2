"""How heavy the public application form is, and how fast the ward search answers.

    DATABASE_URL=postgresql://... DEBUG=1 .venv/bin/python bench/bench_apply_page.py

Needs the official ward list loaded (`manage.py load_wards`, which `run` and the demo do: 3,321
wards). Renders the form 30 times through Django's test client (GET, anonymous, as an
applicant opens it) and prints the HTML size, the number of <option>s and the server time
p50 / p95; then, if the ward search endpoint exists, 50 searches of each of a few queries.
Nothing is written.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luutru.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from luutru.models import Ward  # noqa: E402

PAGES = 30
SEARCHES = 50
QUERIES = ["hoan kiem", "Hàng Bạc", "phuong 1", "da nang", "x"]


def timed(client: Client, url: str, n: int, **params) -> tuple[list[float], bytes]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url, params, headers={"accept-language": "vi"})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return times, response.content


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms"


def main() -> None:
    setup_test_environment()
    client = Client()
    print(f"wards in the database: {Ward.objects.count()}")
    times, html = timed(client, reverse("establishments:apply"), PAGES)
    print(
        f"application form: {len(html):,} bytes, {html.count(b'<option'):,} <option>s, "
        f"{summary(times)} over {PAGES} renders"
    )
    try:
        url = reverse("establishments:ward_search")
    except NoReverseMatch:
        print("no ward search endpoint")
        return
    for query in QUERIES:
        times, body = timed(client, url, SEARCHES, q=query)
        print(f"ward search {query!r}: {len(body):,} bytes, {summary(times)}")


if __name__ == "__main__":
    main()
