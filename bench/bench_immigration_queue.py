"""How fast the immigration office's queue opens, at 1 k and at 100 k applications in the
province.

    DATABASE_URL=... DEBUG=1 .venv/bin/python bench/bench_immigration_queue.py  # 1 k, 100 k
    DATABASE_URL=... DEBUG=1 .venv/bin/python bench/bench_immigration_queue.py 1000 100000
    DATABASE_URL=... DEBUG=1 .venv/bin/python bench/bench_immigration_queue.py --cleanup

Makes a throwaway province with one sponsoring organisation and an immigration officer, and
tops its applications up to each size in turn: one complete application made through the ORM
(its passport number sealed as the application stores it), copied in SQL (INSERT ... SELECT
generate_series) with its own reference, kind, nationality and state. One row in twenty waits
for the office (submitted, resubmitted or accepted, most of them past their deadline), one in
twenty waits for the applicant, the rest are decided; submissions spread over two years.
Then ANALYZE, and 50 requests of the queue's first page and of its second (keyset) page
through Django's test client as the logged-in, verified officer: p50 / p95 in ms, the queries
a page runs, and EXPLAIN (ANALYZE) of the queue query. The target: 100 k within 1.3× of 1 k.
Deletes what it made at the end (or with --cleanup after an interrupted run).
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

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from immigration.models import Application, Kind, Sponsor, SponsorStaff, State  # noqa: E402
from immigration.office import queries  # noqa: E402
from luutru.models import ImmigrationOfficer, Province, Role, User  # noqa: E402

MARKER = "bench-immigration"
PROVINCE_CODE = 992
BATCH = 50_000
REQUESTS = 50
TARGET_RATIO = 1.3
# Columns the copy sets itself; every other column is the template row's.
NATIONALITIES = "ARRAY['KOR', 'CHN', 'JPN', 'USA', 'FRA', 'DEU', 'GBR', 'AUS', 'RUS', 'THA']"
WAITING = "ARRAY['submitted', 'resubmitted', 'accepted']"
GENERATED = {
    "reference": "'BQ-' || g",
    "kind": "(ARRAY['visa', 'stay_extension', 'residence_card'])[1 + g % 3]",
    "state": f"""CASE WHEN g % 20 = 0 THEN ({WAITING})[1 + g / 20 % 3]
                      WHEN g % 20 = 1 THEN 'info_requested'
                      WHEN g % 9 = 0 THEN 'refused' ELSE 'approved' END""",
    "nationality": f"({NATIONALITIES})[1 + g % 10]",
    "full_name": "'Applicant ' || g",
    "submitted_at": "t",
    "created_at": "t - INTERVAL '1 day'",
    "updated_at": "t",
    "due_at": "t + INTERVAL '7 days'",
    "overdue_at": """CASE WHEN g % 20 = 0 AND t + INTERVAL '7 days' < now()
                          THEN t + INTERVAL '7 days' END""",
    "decided_at": "CASE WHEN g % 20 > 1 THEN t + INTERVAL '4 days' END",
    "refusal_reason": """CASE WHEN g % 20 > 1 AND g % 9 = 0 THEN 'Hồ sơ không hợp lệ.'
                              ELSE '' END""",
}


def setup_cast() -> tuple[Province, Sponsor, User]:
    province, _ = Province.objects.get_or_create(
        code=PROVINCE_CODE,
        defaults={"name": f"{MARKER} province", "division_type": "tỉnh", "codename": MARKER},
    )
    now = timezone.now()
    sponsor, _ = Sponsor.objects.get_or_create(
        registration_number=MARKER,
        defaults={
            "name": f"{MARKER} company",
            "kind": "company",
            "address": "1 Tràng Tiền",
            "province": province,
            "contact_name": "Bench",
            "contact_phone": "0",
            "contact_email": "bench@example.vn",
            "status": "active",
            "applied_at": now,
        },
    )
    account, created = User.objects.get_or_create(
        username=f"{MARKER}-sponsor", defaults={"role": Role.SPONSOR}
    )
    if created:
        SponsorStaff.objects.create(user=account, sponsor=sponsor)
    officer, created = User.objects.get_or_create(
        username=f"{MARKER}-officer", defaults={"role": Role.IMMIGRATION_OFFICER}
    )
    if created:
        ImmigrationOfficer.objects.create(user=officer, province=province)
        TOTPDevice.objects.create(user=officer, name="bench", confirmed=True)
    return province, sponsor, officer


def template(province: Province, sponsor: Sponsor) -> Application:
    """The complete application every generated row copies (a draft, left out of every list
    but the applicant's)."""
    existing = Application.objects.filter(reference="BQ-template").first()
    if existing:
        return existing
    now = timezone.now()
    return Application.objects.create(
        reference="BQ-template",
        kind=Kind.STAY_EXTENSION,
        state=State.DRAFT,
        province=province,
        sponsor=sponsor,
        created_by=User.objects.get(username=f"{MARKER}-sponsor"),
        created_at=now,
        updated_at=now,
        full_name="Template",
        sex="F",
        nationality="KOR",
        passport_number="M12345678",
        occupation="Engineer",
        permit_type="visa",
        permit_number="VB1234567",
        entry_port="Nội Bài",
        purpose="LD2",
        address="1 Tràng Tiền",
        sponsor_name=sponsor.name,
        signed_by="Bench",
    )


def generate(total: int, province: Province, sponsor: Sponsor) -> float:
    """Top the province's applications up to ``total``; seconds it took."""
    base = template(province, sponsor)
    have = Application.objects.filter(province=province).exclude(pk=base.pk).count()
    columns = [f.column for f in Application._meta.concrete_fields if f.column != "id"]
    values = [GENERATED.get(c, f"a.{connection.ops.quote_name(c)}") for c in columns]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"""
        INSERT INTO immigration_application ({quoted})
        SELECT {", ".join(v.replace("%", "%%") for v in values)}
        FROM immigration_application AS a,
             (SELECT g, now() - (%(span)s - g) * (INTERVAL '730 days' / %(span)s) AS t
              FROM generate_series(%(start)s::bigint, %(end)s::bigint) AS g) AS rows
        WHERE a.id = %(template)s
    """
    started = time.perf_counter()
    for start in range(have + 1, total + 1, BATCH):
        end = min(start + BATCH - 1, total)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, {"span": 100_000, "start": start, "end": end, "template": base.pk})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE immigration_application")
    return time.perf_counter() - started


def logged_in_client(officer: User) -> Client:
    client = Client()
    client.force_login(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=officer).persistent_id
    session.save()
    return client


def timed(client: Client, url: str) -> tuple[float, float, int]:
    assert client.get(url).status_code == 200
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(captured)


def measure(province: Province, officer: User, *, explain: bool) -> float:
    client = logged_in_client(officer)
    url = reverse("immigration:queue")
    rows = queries.waiting_in(province)
    page, cursor = queries.page_of(rows, None)
    print(f"  waiting: {rows.count():,}, first page {len(page)} rows")
    p50, p95, n = timed(client, url)
    print(f"  queue page 1: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {n} queries")
    if cursor is not None:
        p50_2, p95_2, n2 = timed(client, f"{url}?after={cursor}")
        print(f"  queue page 2: p50 {p50_2:.1f} ms, p95 {p95_2:.1f} ms, {n2} queries")
    if explain:
        print("\n  EXPLAIN (ANALYZE) of the queue query, page 1:")
        print(rows[: queries.PAGE_SIZE + 1].explain(analyze=True, buffers=True))
        if cursor is not None:
            second = rows.filter(submitted_at__gte=cursor.submitted_at)
            print("\n  EXPLAIN (ANALYZE) of the queue query, page 2 (keyset):")
            print(second[: queries.PAGE_SIZE + 1].explain(analyze=True, buffers=True))
    return p50


def cleanup() -> None:
    with transaction.atomic():
        applications = Application.objects.filter(province__code=PROVINCE_CODE)
        deleted = applications._raw_delete(connection.alias)
        users = User.objects.filter(username__startswith=f"{MARKER}-")
        TOTPDevice.objects.filter(user__in=users).delete()
        ImmigrationOfficer.objects.filter(user__in=users).delete()
        SponsorStaff.objects.filter(user__in=users).delete()
        users.delete()
        Sponsor.objects.filter(registration_number=MARKER).delete()
        Province.objects.filter(code=PROVINCE_CODE).delete()
    print(f"deleted {deleted:,} applications and the bench's province, sponsor and users")


def main() -> None:
    if "--cleanup" in sys.argv:
        cleanup()
        return
    sizes = [int(a) for a in sys.argv[1:] if a.isdigit()] or [1_000, 100_000]
    setup_test_environment()
    province, sponsor, officer = setup_cast()
    results = {}
    try:
        for size in sorted(sizes):
            seconds = generate(size, province, sponsor)
            print(f"\n{size:,} applications in the province (generated in {seconds:.1f} s)")
            results[size] = measure(province, officer, explain=size == max(sizes))
    finally:
        cleanup()
    small, large = min(results), max(results)
    if small != large:
        ratio = results[large] / results[small]
        verdict = "within" if ratio <= TARGET_RATIO else "OVER"
        print(
            f"\np50 at {large:,} / p50 at {small:,}: {ratio:.2f}× "
            f"({verdict} the {TARGET_RATIO}× target)"
        )


if __name__ == "__main__":
    main()
