"""How fast an officer's review inbox opens, at 100 k and at 10 M declarations.

    DATABASE_URL=postgresql://... DEBUG=1 .venv/bin/python bench/bench_inbox.py 100000
    DATABASE_URL=postgresql://... DEBUG=1 .venv/bin/python bench/bench_inbox.py 10000000
    DATABASE_URL=postgresql://... DEBUG=1 .venv/bin/python bench/bench_inbox.py --cleanup

Makes (or reuses: it is keyed by the marker name of its establishments, and tops the table up
to N) a throwaway province of 20 wards with 50 establishments each, and N declarations
generated in SQL (INSERT ... SELECT generate_series) spread evenly over them, so the measured
ward holds 5 % of them (a full first page at 100 k); 1 % of the rows are pending review, the
rest confirmed and departed.
Then ANALYZE, and 50 requests of the inbox page through Django's test client as a logged-in,
verified officer of the measured ward: p50 / p95 in ms, the queries a page runs, and EXPLAIN
(ANALYZE) of the inbox query. --cleanup deletes everything it made.
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
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from bench import encrypted  # noqa: E402
from establishments.models import Establishment, Kind, Staff, Status  # noqa: E402
from guests import documents  # noqa: E402
from guests.models import Declaration  # noqa: E402
from luutru.models import Officer, Province, Role, User, Ward  # noqa: E402  # noqa: E402
from wards.inbox.queries import PAGE_SIZE, page_of, pending_in  # noqa: E402

MARKER = "bench-inbox"
PROVINCE_CODE = 990
WARD_CODE = 990_000
WARDS = 20
PER_WARD = 50
BATCH = 1_000_000
REQUESTS = 50


def setup_cast() -> tuple[Ward, User, list[int]]:
    province, _ = Province.objects.get_or_create(
        code=PROVINCE_CODE,
        defaults={"name": f"{MARKER} province", "division_type": "tỉnh", "codename": MARKER},
    )
    wards = []
    for w in range(WARDS):
        ward, _ = Ward.objects.get_or_create(
            code=WARD_CODE + w,
            defaults={
                "name": f"{MARKER} ward {w}",
                "division_type": "phường",
                "codename": f"{MARKER}_{w}",
                "province": province,
            },
        )
        wards.append(ward)
    establishments = []
    for w, ward in enumerate(wards):
        for e in range(PER_WARD):
            establishment, _ = Establishment.objects.get_or_create(
                code=f"BENCH-{w:03d}-{e:02d}",
                defaults={
                    "name": f"{MARKER} {w}-{e}",
                    "ward": ward,
                    "kind": Kind.HOTEL,
                    "address": f"{e} Hàng Bạc",
                    "room_count": 50,
                    "status": Status.ACTIVE,
                },
            )
            establishments.append(establishment.pk)
    desk, created = User.objects.get_or_create(
        username=f"{MARKER}-desk", defaults={"role": Role.RECEPTIONIST}
    )
    if created:
        Staff.objects.create(user=desk, establishment_id=establishments[0])
    officer, created = User.objects.get_or_create(
        username=f"{MARKER}-officer", defaults={"role": Role.WARD_OFFICER}
    )
    if created:
        Officer.objects.create(user=officer, ward=wards[0])
        TOTPDevice.objects.create(user=officer, name="bench", confirmed=True)
    return wards[0], desk, establishments


def generate(total: int, desk: User, establishments: list[int]) -> float:
    """Top the bench's declarations up to ``total`` rows; seconds it took."""
    have = Declaration.objects.filter(establishment_id__in=establishments).count()
    started = time.perf_counter()
    # Document numbers as the application stores them (bench/encrypted.py).
    encrypted.prepare()
    pool = encrypted.pool([f"B{j}" for j in range(encrypted.POOL)])
    for start in range(have + 1, total + 1, BATCH):
        end = min(start + BATCH - 1, total)
        with transaction.atomic(), connection.cursor() as cursor:
            # Row g goes to establishment g mod 1000 (ward = its position / 50), so the
            # measured ward holds 5 % of the rows; every hundredth thousand-block is pending,
            # i.e. 1 % pending in every ward; one row in seven was filed late. Filing times
            # spread over two years up to now, in the order of g.
            cursor.execute(
                f"""
                INSERT INTO guests_declaration (
                    establishment_id, kind, full_name, name_key, sex, birth_date, nationality,
                    document_type, document_number, document_hash, visa_number, entry_port,
                    reason, room,
                    arrival, expected_departure, departed_at, deadline, late, filed_by_id,
                    filed_at, review_status, submission_key
                )
                SELECT
                    (%(establishments)s::bigint[])[1 + g %% 1000],
                    'foreigner', 'Khách ' || (g %% 50000), 'khach ' || (g %% 50000), 'M',
                    DATE '1990-01-01', 'FR', 'passport',
                    (%(pool)s::text[])[1 + g %% {encrypted.POOL}],
                    {encrypted.hash_sql("'B' || g")},
                    '', '', '',
                    (100 + g %% 50)::text,
                    t, t + INTERVAL '2 days',
                    CASE WHEN pending THEN NULL ELSE t + INTERVAL '2 days' END,
                    t + INTERVAL '12 hours', g %% 7 = 0, %(desk)s,
                    t + INTERVAL '1 hour',
                    CASE WHEN pending THEN 'pending' ELSE 'confirmed' END,
                    md5(g::text || %(marker)s)::uuid
                FROM (
                    SELECT g,
                           now() - (%(total)s - g) * (INTERVAL '730 days' / %(total)s) AS t,
                           (g / 1000) %% 100 = 0 AS pending
                    FROM generate_series(%(start)s::bigint, %(end)s::bigint) AS g
                ) AS rows
                """,
                {
                    "establishments": establishments,
                    "desk": desk.pk,
                    "total": total,
                    "start": start,
                    "end": end,
                    "marker": MARKER,
                    "pool": pool,
                    "lookup_key": documents.lookup_key(),
                },
            )
        print(f"  rows {start:,}–{end:,} in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE guests_declaration")
        cursor.execute("ANALYZE establishments_establishment")
    return time.perf_counter() - started


def logged_in_client(officer: User) -> Client:
    client = Client()
    client.force_login(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=officer).persistent_id
    session.save()
    return client


def measure(ward: Ward, officer: User) -> None:
    client = logged_in_client(officer)
    url = reverse("wards:inbox")
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    pending = pending_in(ward).count()
    print(f"pending in the measured ward: {pending:,}")
    print(f"inbox page: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms")
    print(f"queries per page: {len(queries)}")
    inbox = pending_in(ward)
    page = page_of(inbox, after=None)
    print("\nEXPLAIN (ANALYZE) of the inbox query, page 1:")
    print(inbox.rows(limit=PAGE_SIZE + 1).explain(analyze=True, buffers=True))
    print("\nEXPLAIN (ANALYZE) of the inbox query, page 2 (keyset):")
    second = inbox.rows(after=page.next_cursor, limit=PAGE_SIZE + 1)
    print(second.explain(analyze=True, buffers=True))


def cleanup() -> None:
    establishments = Establishment.objects.filter(code__startswith="BENCH-")
    with transaction.atomic():
        deleted = Declaration.objects.filter(establishment__in=establishments)._raw_delete(
            connection.alias
        )
        users = User.objects.filter(username__startswith=f"{MARKER}-")
        TOTPDevice.objects.filter(user__in=users).delete()
        Officer.objects.filter(user__in=users).delete()
        Staff.objects.filter(user__in=users).delete()
        users.delete()
        establishments.delete()
        Ward.objects.filter(province__code=PROVINCE_CODE).delete()
        Province.objects.filter(code=PROVINCE_CODE).delete()
    print(f"deleted {deleted:,} declarations and the bench's wards, establishments and users")


def main() -> None:
    if "--cleanup" in sys.argv:
        cleanup()
        return
    total = int(next((a for a in sys.argv[1:] if a.isdigit()), "100000"))
    setup_test_environment()
    ward, desk, establishments = setup_cast()
    officer = User.objects.get(username=f"{MARKER}-officer")
    print(f"declarations: {total:,} over {len(establishments):,} establishments in {WARDS} wards")
    seconds = generate(total, desk, establishments)
    print(f"generation: {seconds:.0f} s")
    measure(ward, officer)


if __name__ == "__main__":
    main()
