"""How fast the ward's search is on a large declarations table.

    DATABASE_URL=postgresql://... DEBUG=1 .venv/bin/python bench/bench_search.py [N] [--cleanup]

Creates (or reuses, found by the marker establishment's name) a throwaway ward with 50
establishments and N declarations generated in SQL (INSERT ... SELECT generate_series) with
realistic folded names and unique document numbers; a re-run with a larger N adds the missing
rows. Then ANALYZE, and times 50 runs each of a document-number search and of name searches
through `wards.search.queries.search_declarations`, and of the search page through Django's
test Client as a verified officer (those runs are rolled back, so they leave no access-log rows:
the log is append-only and would keep the throwaway ward alive for ever). Prints p50/p95 in ms
and the EXPLAIN (ANALYZE) of each search, and fails if one scans guests_declaration sequentially.

`--cleanup` deletes everything the benchmark made.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luutru.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from bench import encrypted  # noqa: E402
from establishments.models import Establishment, Kind, Status  # noqa: E402
from guests import documents  # noqa: E402
from luutru.models import Officer, Province, Role, User, Ward  # noqa: E402  # noqa: E402
from wards.search.queries import matching_declarations, parse_query, search_declarations  # noqa: E402

MARKER = "Bench search establishment 00"
ESTABLISHMENTS = 50
PROVINCE_CODE = 9902
WARD_CODE = 990201
OFFICER = "bench-search-officer"
RUNS = 50
# Above this many new rows, the declaration indexes are dropped and rebuilt around the load:
# building a GIN index once is far cheaper than maintaining it row by row.
REBUILD_ABOVE = 1_000_000

# (as typed, folded): Vietnamese names with their accents, and foreign ones as in passports.
SURNAMES = [
    ("Nguyễn", "nguyen"),
    ("Trần", "tran"),
    ("Lê", "le"),
    ("Phạm", "pham"),
    ("Hoàng", "hoang"),
    ("Huỳnh", "huynh"),
    ("Phan", "phan"),
    ("Vũ", "vu"),
    ("Võ", "vo"),
    ("Đặng", "dang"),
    ("Bùi", "bui"),
    ("Đỗ", "do"),
    ("Hồ", "ho"),
    ("Ngô", "ngo"),
    ("Dương", "duong"),
    ("Lý", "ly"),
    ("Đinh", "dinh"),
    ("Trịnh", "trinh"),
    ("Mai", "mai"),
    ("Tạ", "ta"),
    ("SMITH", "smith"),
    ("MÜLLER", "muller"),
    ("SCHNEIDER", "schneider"),
    ("DUPONT", "dupont"),
    ("MARTIN", "martin"),
    ("GARCÍA", "garcia"),
    ("ROSSI", "rossi"),
    ("KIM", "kim"),
    ("PARK", "park"),
    ("TANAKA", "tanaka"),
    ("SATO", "sato"),
    ("WANG", "wang"),
    ("LI", "li"),
    ("IVANOV", "ivanov"),
    ("JOHNSON", "johnson"),
    ("NIELSEN", "nielsen"),
    ("KOWALSKI", "kowalski"),
    ("O'BRIEN", "o'brien"),
    ("SILVA", "silva"),
    ("CHEN", "chen"),
]
MIDDLE = [
    ("Văn", "van"),
    ("Thị", "thi"),
    ("Minh", "minh"),
    ("Đức", "duc"),
    ("Ngọc", "ngoc"),
    ("Thanh", "thanh"),
    ("Hữu", "huu"),
    ("Quốc", "quoc"),
    ("Xuân", "xuan"),
    ("Kim", "kim"),
]
GIVEN = [
    ("An", "an"),
    ("Bình", "binh"),
    ("Cường", "cuong"),
    ("Dũng", "dung"),
    ("Hà", "ha"),
    ("Hải", "hai"),
    ("Hạnh", "hanh"),
    ("Hiếu", "hieu"),
    ("Hoa", "hoa"),
    ("Hùng", "hung"),
    ("Hương", "huong"),
    ("Khánh", "khanh"),
    ("Lan", "lan"),
    ("Linh", "linh"),
    ("Long", "long"),
    ("Mai", "mai"),
    ("Nam", "nam"),
    ("Nga", "nga"),
    ("Phúc", "phuc"),
    ("Phương", "phuong"),
    ("Quân", "quan"),
    ("Sơn", "son"),
    ("Tâm", "tam"),
    ("Thảo", "thao"),
    ("Thắng", "thang"),
    ("Trang", "trang"),
    ("Trung", "trung"),
    ("Tuấn", "tuan"),
    ("Vy", "vy"),
    ("Yến", "yen"),
    ("John", "john"),
    ("Anna", "anna"),
    ("Pierre", "pierre"),
    ("Maria", "maria"),
    ("Hans", "hans"),
    ("Yuki", "yuki"),
    ("Min-jun", "min-jun"),
    ("Olga", "olga"),
    ("José", "jose"),
    ("Emma", "emma"),
    ("Lukas", "lukas"),
    ("Sophie", "sophie"),
]
FOREIGN_FROM = 20  # SURNAMES[20:] are foreigners'
# Row i's document number (i, si as in the generating query): a passport for a foreigner.
NUMBER_SQL = f"""CASE WHEN si >= {FOREIGN_FROM} THEN 'B' || lpad(i::text, 8, '0')
    ELSE '079' || lpad(i::text, 9, '0') END"""
NATIONALITIES = ["US", "DE", "DE", "FR", "FR", "ES", "IT", "KR", "KR", "JP", "JP", "CN", "CN",
                 "RU", "US", "DK", "PL", "IE", "BR", "CN"]  # fmt: skip


def setup_ward() -> tuple[Ward, list[int], User]:
    province, _ = Province.objects.get_or_create(
        code=PROVINCE_CODE,
        defaults={"name": "Bench search", "division_type": "tỉnh", "codename": "bench_search"},
    )
    ward, _ = Ward.objects.get_or_create(
        code=WARD_CODE,
        defaults={
            "name": "Phường Bench search",
            "division_type": "phường",
            "codename": "bench_search",
            "province": province,
        },
    )
    ids = []
    for i in range(ESTABLISHMENTS):
        est, _ = Establishment.objects.get_or_create(
            name=f"Bench search establishment {i:02d}",
            defaults={
                "ward": ward,
                "kind": Kind.HOTEL,
                "address": f"{i} Bench street",
                "room_count": 100,
                "status": Status.ACTIVE,
                "code": f"BS-{i:04d}",
            },
        )
        ids.append(est.pk)
    officer = User.objects.filter(username=OFFICER).first()
    if officer is None:
        officer = User.objects.create_user(
            username=OFFICER, password=None, role=Role.WARD_OFFICER, full_name="Bench officer"
        )
        Officer.objects.create(user=officer, ward=ward)
        TOTPDevice.objects.create(user=officer, name="bench", confirmed=True)
    return ward, ids, officer


def generate(*, ward: Ward, establishment_ids: list[int], officer: User, n: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM guests_declaration WHERE establishment_id = ANY(%s)",
            [establishment_ids],
        )
        have = cursor.fetchone()[0]
    if have >= n:
        print(f"reusing {have:,} declarations in the bench ward")
        return
    todo = n - have
    print(f"generating {todo:,} declarations ({have:,} already there)…", flush=True)
    started = time.perf_counter()
    s_typed, s_fold = zip(*SURNAMES, strict=True)
    m_typed, m_fold = zip(*MIDDLE, strict=True)
    g_typed, g_fold = zip(*GIVEN, strict=True)
    rebuild = todo > REBUILD_ABOVE
    encrypted.prepare()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET max_parallel_maintenance_workers = 2")
        dropped: list[tuple[str, str]] = []
        if rebuild:
            # Plain indexes only (not the primary key or a constraint's own index).
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.tablename = 'guests_declaration' AND NOT EXISTS (
                    SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
                """
            )
            dropped = cursor.fetchall()
            for name, _ in dropped:
                cursor.execute(f'DROP INDEX "{name}"')
        try:
            # i runs from have+1 to n: document numbers stay unique across re-runs. The filing
            # times spread over two years, newest for the highest i.
            sql = f"""
            INSERT INTO guests_declaration (
                establishment_id, kind, full_name, sex, birth_date, nationality, document_type,
                document_number, document_hash, visa_number, entry_port, reason, room, arrival,
                expected_departure, departed_at, deadline, late, filed_by_id, filed_at,
                review_status, submission_key, name_key)
            SELECT
                (%(est)s::bigint[])[1 + i %% {len(establishment_ids)}],
                CASE WHEN foreign_ THEN 'foreigner' ELSE 'citizen' END,
                s_t || CASE WHEN foreign_ THEN ' ' ELSE ' ' || m_t || ' ' END || g_t,
                CASE WHEN i %% 2 = 0 THEN 'M' ELSE 'F' END,
                date '1950-01-01' + (i * 37 %% 20000),
                CASE WHEN foreign_ THEN (%(nat)s::text[])[1 + si - {FOREIGN_FROM}] ELSE 'VN' END,
                CASE WHEN foreign_ THEN 'passport' ELSE 'citizen_id' END,
                CASE WHEN foreign_ THEN (%(passports)s::text[])[1 + i %% {encrypted.POOL}]
                     ELSE (%(citizen_ids)s::text[])[1 + i %% {encrypted.POOL}] END,
                {encrypted.hash_sql("number")},
                '', '', '',
                (100 + i %% 400)::text,
                at_ - interval '30 minutes',
                at_ + interval '2 days',
                CASE WHEN at_ < now() - interval '3 days' THEN at_ + interval '2 days' END,
                at_ + interval '11 hours',
                false, %(officer)s, at_, 'confirmed',
                md5('bench-search-' || i)::uuid,
                s_f || CASE WHEN foreign_ THEN ' ' ELSE ' ' || m_f || ' ' END || g_f
            FROM (
                SELECT i, si, si >= {FOREIGN_FROM} AS foreign_,
                    (%(s_t)s::text[])[1 + si] AS s_t, (%(s_f)s::text[])[1 + si] AS s_f,
                    (%(m_t)s::text[])[1 + (i / 7) %% {len(MIDDLE)}] AS m_t,
                    (%(m_f)s::text[])[1 + (i / 7) %% {len(MIDDLE)}] AS m_f,
                    (%(g_t)s::text[])[1 + (i * 13 / 3) %% {len(GIVEN)}] AS g_t,
                    (%(g_f)s::text[])[1 + (i * 13 / 3) %% {len(GIVEN)}] AS g_f,
                    now() - (%(n)s - i) * (interval '2 years' / %(n)s) AS at_,
                    {NUMBER_SQL} AS number
                FROM (
                    SELECT i, (hashint4(i) & 2147483647) %% {len(SURNAMES)} AS si
                    FROM generate_series(%(lo)s::int, %(hi)s::int) AS i
                ) raw
            ) g
            """
            params = {
                "est": establishment_ids,
                "nat": NATIONALITIES,
                "officer": officer.pk,
                "s_t": list(s_typed),
                "s_f": list(s_fold),
                "m_t": list(m_typed),
                "m_f": list(m_fold),
                "g_t": list(g_typed),
                "g_f": list(g_fold),
                "n": n,
                # Numbers as the application stores them (bench/encrypted.py).
                "passports": encrypted.pool([f"B{j:08d}" for j in range(encrypted.POOL)]),
                "citizen_ids": encrypted.pool([f"079{j:09d}" for j in range(encrypted.POOL)]),
                "lookup_key": documents.lookup_key(),
            }
            batch = 1_000_000
            for lo in range(have + 1, n + 1, batch):
                hi = min(n, lo + batch - 1)
                with transaction.atomic():
                    cursor.execute(sql, {**params, "lo": lo, "hi": hi})
                print(f"  … {hi:,} ({time.perf_counter() - started:.0f} s)", flush=True)
        finally:
            for name, definition in dropped:
                t = time.perf_counter()
                cursor.execute(definition)
                print(f"  rebuilt {name} ({time.perf_counter() - t:.0f} s)", flush=True)
        cursor.execute("ANALYZE guests_declaration")
        cursor.execute("ANALYZE establishments_establishment")
    print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)


def timed(label: str, runs: int, fn: Callable[[int], object]) -> None:
    fn(0)  # warm up
    times = []
    for i in range(runs):
        t = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    print(f"{label:<46} p50 {statistics.median(times):7.2f} ms   p95 {p95:7.2f} ms")


def explain(label: str, ward: Ward, query: str) -> bool:
    sql, params = matching_declarations(ward=ward, parsed=parse_query(query))[
        :51
    ].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(f"\nEXPLAIN ANALYZE — {label} ({query!r}):\n{plan}")
    return "Seq Scan on guests_declaration" not in plan


def sample_documents(n: int, k: int) -> list[str]:
    """The numbers of k random rows of the ward, as typed at the desk. The stored ones are
    ciphertexts from a pool (bench/encrypted.py), so they are recomputed from the row number
    as the generating query made them."""
    rows = random.Random(n).sample(range(1, n + 1), k)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {NUMBER_SQL} FROM ("
            f"SELECT i, (hashint4(i) & 2147483647) %% {len(SURNAMES)} AS si "
            "FROM unnest(%s::int[]) AS i) AS raw",
            [rows],
        )
        return [row[0] for row in cursor.fetchall()]


def cleanup() -> None:
    ids = list(
        Establishment.objects.filter(name__startswith="Bench search establishment ").values_list(
            "pk", flat=True
        )
    )
    with connection.cursor() as cursor:
        for table in ("guests_declarationversion", "guests_reviewevent"):
            cursor.execute(
                f"DELETE FROM {table} WHERE declaration_id IN ("
                "SELECT id FROM guests_declaration WHERE establishment_id = ANY(%s))",
                [ids],
            )
        cursor.execute("DELETE FROM guests_declaration WHERE establishment_id = ANY(%s)", [ids])
        print(f"deleted {cursor.rowcount:,} declarations")
    Establishment.objects.filter(pk__in=ids).delete()
    User.objects.filter(username=OFFICER).delete()
    Ward.objects.filter(code=WARD_CODE).delete()
    Province.objects.filter(code=PROVINCE_CODE).delete()
    print("bench ward removed")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--cleanup" in sys.argv:
        cleanup()
        return
    n = int(args[0].replace("_", "")) if args else 100_000
    ward, establishment_ids, officer = setup_ward()
    generate(ward=ward, establishment_ids=establishment_ids, officer=officer, n=n)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE establishments_establishment")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM guests_declaration")
        total = cursor.fetchone()[0]
    print(f"\n{n:,} declarations in the bench ward, {total:,} in the table; {RUNS} runs each\n")

    numbers = sample_documents(n, RUNS + 1)
    names = {
        "name, common (3 words)": "Nguyen Van Hung",
        "name, accents typed (2 words)": "đặng thảo",
        "name, foreign (2 words)": "schneider anna",
        "name, one short word": "Le Thi A",
    }

    timed("service: document number", RUNS, lambda i: search_declarations(
        ward=ward, query=numbers[i % len(numbers)].lower()))  # fmt: skip
    for label, query in names.items():
        timed(f"service: {label}", RUNS, lambda i, q=query: search_declarations(ward=ward, query=q))

    client = Client()
    client.force_login(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=officer).persistent_id
    session.save()
    url = reverse("wards:search")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    def view(query: str) -> None:
        response = client.post(url, {"q": query})
        assert response.status_code == 200, response.status_code
        assert b'data-testid="search-results"' in response.content

    # Rolled back: the access log rows of these runs would be undeletable.
    with transaction.atomic():
        timed("view:    document number", RUNS, lambda i: view(numbers[i % len(numbers)]))
        timed("view:    name, common (3 words)", RUNS, lambda i: view("Nguyen Van Hung"))
        transaction.set_rollback(True)

    ok = explain("document number", ward, numbers[0])
    for label, query in names.items():
        ok = explain(label, ward, query) and ok
    print("\nno sequential scan of guests_declaration" if ok else "\nSEQUENTIAL SCAN FOUND")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
