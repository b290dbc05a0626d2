"""Fill a database with a city's worth of declarations and the accounts the load test logs in as.

    DATABASE_URL=postgresql://... DEBUG=1 .venv/bin/python bench/load/generate.py [N] [--reset]

The city: 40 real wards of Hà Nội (imported here if the ward list is empty) with 25
establishments each (1,000), every one with a receptionist and an owner; three officers per
ward. N declarations (default 10,000,000) over two years up to now, generated in SQL
(INSERT ... SELECT generate_series) a million at a time:

- row g belongs to establishment g mod 1,000 and is filed by its receptionist; 70 % citizens,
  30 % foreigners of twenty nationalities; stays of one to four nights;
- the guests of the last days whose expected departure is still ahead are staying now (about
  25 per establishment), everyone else has left;
- the last week is pending review (1 % of the rows), the rest confirmed; one in nine was late;
- the document number is a real ciphertext (``guests.documents.encrypt``) drawn from a pool of
  1,000, so rows decrypt and have a realistic size, while ``document_hash`` is the keyed hash of
  a number unique to the row (computed by pgcrypto), so the duplicate constraint and the
  police's search see 10 M distinct documents. The load test files numbers of another shape
  (see locustfile.py), which never collide with these;
- version 1 is written for the rows a load run opens: pending ones and the last 30 days.

Idempotent: it tops the load establishments up to N rows (row g exists, or not, as a whole
batch; a re-run finds where it stopped). Above a million new rows the table's indexes, unique
constraints and foreign keys are dropped and rebuilt around the load. The time spread depends
on N: growing 100 k to 10 M keeps the first 100 k where they were; ``--reset`` deletes the load
establishments' declarations first, for a clean spread.

Every account's password is LOAD_PASSWORD; owners, officers and the receptionists of odd
establishments use TOTP with a key derived from the username (``totp_key``), so locust can
compute their codes; the receptionists of even establishments have 2FA turned off.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luutru.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from establishments.models import Establishment, Kind, Staff, Status  # noqa: E402
from guests import documents  # noqa: E402
from luutru.models import Officer, Province, Role, User, Ward  # noqa: E402  # noqa: E402
from luutru.text import fold  # noqa: E402

LOAD_PASSWORD = "load-luutru-2026"
PROVINCE_CODE = 1  # Thành phố Hà Nội
WARDS = 40
PER_WARD = 25
ESTABLISHMENTS = WARDS * PER_WARD
OFFICERS_PER_WARD = 3
CODE_PREFIX = "LOAD-"
BATCH = 1_000_000
REBUILD_ABOVE = 1_000_000
POOL = 1000
HISTORY_DAYS = 730
PENDING_DAYS = 7.3  # 1 % of two years
VERSIONED_DAYS = 30

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
MIDDLES = ["Văn", "Thị", "Minh", "Đức", "Ngọc", "Thanh", "Hữu", "Quốc"]
GIVENS = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng",
          "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân",
          "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Yến"]  # fmt: skip
FOREIGN_SURNAMES = ["SMITH", "MÜLLER", "DUPONT", "MARTIN", "GARCÍA", "ROSSI", "KIM", "PARK",
                    "TANAKA", "SATO", "WANG", "LI", "IVANOV", "JOHNSON", "NIELSEN",
                    "CHEN"]  # fmt: skip
FOREIGN_GIVENS = ["JOHN", "ANNA", "PIERRE", "MARIA", "HANS", "YUKI", "MIN JUN", "OLGA", "JOSÉ",
                  "EMMA", "LUKAS", "SOPHIE", "WEI", "HIROSHI", "SARAH", "DAVID"]  # fmt: skip
NATIONALITIES = ["KR", "KR", "CN", "CN", "CN", "JP", "US", "FR", "DE", "AU", "GB", "RU",
                 "TH", "SG", "MY", "TW", "IN", "IT", "ES", "CA"]  # fmt: skip
KINDS = [Kind.HOTEL, Kind.HOTEL, Kind.GUESTHOUSE, Kind.GUESTHOUSE, Kind.HOMESTAY,
         Kind.BOARDING_HOUSE, Kind.SERVICED_APARTMENT, Kind.PRIVATE_HOME]  # fmt: skip


def totp_key(username: str) -> str:
    """The TOTP key (hex, 20 bytes) of a load account: locust derives the same."""
    return hmac.new(b"luutru-load-totp", username.encode(), hashlib.sha256).hexdigest()[:40]


def desk_username(e: int) -> str:
    return f"load-desk-{e:04d}"


def owner_username(e: int) -> str:
    return f"load-owner-{e:04d}"


def officer_username(w: int, k: int) -> str:
    return f"load-officer-{w:02d}-{k}"


# --- the city and its accounts ------------------------------------------------------------------


def setup_city() -> tuple[list[int], list[int], list[int]]:
    """The wards, establishments and receptionists (ids, establishment e at position e)."""
    if not Province.objects.filter(code=PROVINCE_CODE).exists():
        call_command("import_wards", verbosity=0)
    wards = list(Ward.objects.filter(province__code=PROVINCE_CODE).order_by("code")[:WARDS])
    password = make_password(LOAD_PASSWORD)  # hashed once: 2,000 hashes would take minutes
    existing = set(
        Establishment.objects.filter(code__startswith=CODE_PREFIX).values_list("code", flat=True)
    )
    new = []
    for e in range(ESTABLISHMENTS):
        code = f"{CODE_PREFIX}{e:04d}"
        if code in existing:
            continue
        new.append(
            Establishment(
                code=code,
                name=f"Khách sạn Tải {e:04d}" if e % 4 < 2 else f"Nhà nghỉ Tải {e:04d}",
                kind=KINDS[e % len(KINDS)],
                address=f"{1 + e % 200} phố Thử Tải",
                ward=wards[e // PER_WARD],
                room_count=20 + (e * 37) % 180,
                status=Status.ACTIVE,
                receptionist_2fa_required=e % 2 == 1,
            )
        )
    Establishment.objects.bulk_create(new)
    establishments = {
        est.code: est
        for est in Establishment.objects.filter(code__startswith=CODE_PREFIX).select_related("ward")
    }
    have_users = set(
        User.objects.filter(username__startswith="load-").values_list("username", flat=True)
    )
    users, staff, devices = [], [], []

    def add(username: str, role: Role, *, totp: bool) -> User:
        user = User(username=username, role=role, password=password, full_name=username)
        users.append(user)
        if totp:
            devices.append(
                TOTPDevice(user=user, name="load", key=totp_key(username), confirmed=True)
            )
        return user

    for e in range(ESTABLISHMENTS):
        est = establishments[f"{CODE_PREFIX}{e:04d}"]
        if desk_username(e) not in have_users:
            user = add(desk_username(e), Role.RECEPTIONIST, totp=e % 2 == 1)
            staff.append(Staff(user=user, establishment=est))
        if owner_username(e) not in have_users:
            user = add(owner_username(e), Role.OWNER, totp=True)
            staff.append(Staff(user=user, establishment=est))
    officers = []
    for w, ward in enumerate(wards):
        for k in range(OFFICERS_PER_WARD):
            if officer_username(w, k) not in have_users:
                user = add(officer_username(w, k), Role.WARD_OFFICER, totp=True)
                officers.append(Officer(user=user, ward=ward))
    with transaction.atomic():
        User.objects.bulk_create(users)
        for item in (*staff, *devices, *officers):
            item.user_id = item.user.pk
        Staff.objects.bulk_create(staff)
        TOTPDevice.objects.bulk_create(devices)
        Officer.objects.bulk_create(officers)
    if users:
        print(f"created {len(users):,} accounts, {len(new):,} establishments")
    desks = dict(
        User.objects.filter(username__startswith="load-desk-").values_list("username", "pk")
    )
    est_ids = [establishments[f"{CODE_PREFIX}{e:04d}"].pk for e in range(ESTABLISHMENTS)]
    return [w.pk for w in wards], est_ids, [desks[desk_username(e)] for e in range(ESTABLISHMENTS)]


# --- declarations -------------------------------------------------------------------------------


def generated_rows(cursor, establishments: list[int]) -> int:
    """How many rows the generator made already: the largest g whose row exists (batches
    commit whole and in order, so the rows 1..g all exist), by binary search on the
    submission key's unique index."""

    def exists(g: int) -> bool:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM guests_declaration WHERE establishment_id = %s "
            "AND submission_key = md5('load-' || %s)::uuid)",
            [establishments[g % ESTABLISHMENTS], g],
        )
        return cursor.fetchone()[0]

    if not exists(1):
        return 0
    low, high = 1, 1
    while exists(high * 2):
        high *= 2
    low, high = high, high * 2  # exists(low), not exists(high)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if exists(middle) else (low, middle)
    return low


def ciphertext_pool() -> list[str]:
    """POOL real ciphertexts; entry j is a passport when j mod 10 < 3 (row g's kind follows
    g mod 10 the same way, so a foreigner's row decrypts to a passport number)."""
    return [
        documents.encrypt(f"P{j:08d}" if j % 10 < 3 else f"001{200000000 + j:09d}")
        for j in range(POOL)
    ]


INSERT = f"""
INSERT INTO guests_declaration (
    establishment_id, kind, full_name, name_key, sex, birth_date, nationality, document_type,
    document_number, document_hash, document_expiry, visa_number, entry_port, reason, room,
    arrival, expected_departure, departed_at, deadline, late, filed_by_id, filed_at,
    review_status, submission_key, overdue_check_at, review_due_at)
SELECT
    est, CASE WHEN foreign_ THEN 'foreigner' ELSE 'citizen' END,
    full_name, name_key, sex, birth_date,
    CASE WHEN foreign_ THEN (%(nationalities)s::text[])[1 + g %% 20] ELSE 'VN' END,
    CASE WHEN foreign_ THEN 'passport' ELSE 'citizen_id' END,
    (%(pool)s::text[])[1 + g %% {POOL}],
    encode(hmac(convert_to(number, 'UTF8'), %(lookup)s::bytea, 'sha256'), 'hex'),
    CASE WHEN foreign_ THEN DATE '2030-01-01' + (g %% 3000)::int END,
    '', CASE WHEN foreign_ THEN 'Nội Bài' ELSE '' END,
    CASE WHEN foreign_ THEN '' ELSE 'Du lịch' END,
    (100 * (1 + g %% 6) + g / {ESTABLISHMENTS} %% 30)::text,
    at_ - INTERVAL '20 minutes', departure,
    CASE WHEN departure < now() THEN departure END,
    at_ + INTERVAL '12 hours', g %% 9 = 0, desk, at_,
    CASE WHEN pending THEN 'pending' ELSE 'confirmed' END,
    md5('load-' || g)::uuid,
    CASE WHEN departure >= now() THEN departure END,
    CASE WHEN pending THEN at_ + INTERVAL '24 hours' END
FROM (
    SELECT g, est, desk, foreign_, at_, at_ > now() - INTERVAL '{PENDING_DAYS} days' AS pending,
        at_ - INTERVAL '20 minutes' + (1 + g %% 4) * INTERVAL '1 day' AS departure,
        CASE WHEN foreign_ THEN 'L' || lpad(g::text, 8, '0')
             ELSE '079' || lpad(g::text, 9, '0') END AS number,
        CASE WHEN g %% 2 = 0 THEN 'M' ELSE 'F' END AS sex,
        DATE '1950-01-01' + (g * 37 %% 20000)::int AS birth_date,
        CASE WHEN foreign_
            THEN (%(f_surnames)s::text[])[1 + g %% 16] || ' '
                 || (%(f_givens)s::text[])[1 + g / 16 %% 16]
            ELSE (%(surnames)s::text[])[1 + g %% 16] || ' '
                 || (%(middles)s::text[])[1 + g / 16 %% 8] || ' '
                 || (%(givens)s::text[])[1 + g / 128 %% 26]
        END AS full_name,
        CASE WHEN foreign_
            THEN (%(f_surnames_key)s::text[])[1 + g %% 16] || ' '
                 || (%(f_givens_key)s::text[])[1 + g / 16 %% 16]
            ELSE (%(surnames_key)s::text[])[1 + g %% 16] || ' '
                 || (%(middles_key)s::text[])[1 + g / 16 %% 8] || ' '
                 || (%(givens_key)s::text[])[1 + g / 128 %% 26]
        END AS name_key
    FROM (
        SELECT g,
            (%(establishments)s::bigint[])[1 + g %% {ESTABLISHMENTS}] AS est,
            (%(desks)s::bigint[])[1 + g %% {ESTABLISHMENTS}] AS desk,
            g %% 10 < 3 AS foreign_,
            now() - (%(total)s - g) * (INTERVAL '{HISTORY_DAYS} days' / %(total)s) AS at_
        FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g
    ) AS base
) AS rows
"""

VERSIONS = f"""
INSERT INTO guests_declarationversion (declaration_id, number, data, created_by_id, created_at)
SELECT d.id, 1,
    jsonb_build_object(
        'full_name', d.full_name, 'sex', d.sex, 'birth_date', d.birth_date,
        'nationality', d.nationality, 'document_type', d.document_type,
        'document_number', d.document_number, 'document_expiry', d.document_expiry,
        'visa_number', d.visa_number, 'visa_expiry', d.visa_expiry,
        'entry_port', d.entry_port, 'entry_date', d.entry_date, 'reason', d.reason,
        'room', d.room, 'arrival', d.arrival, 'expected_departure', d.expected_departure),
    d.filed_by_id, d.filed_at
FROM guests_declaration d
WHERE d.establishment_id = ANY(%(establishments)s)
  AND (d.review_status = 'pending' OR d.filed_at > now() - INTERVAL '{VERSIONED_DAYS} days')
  AND NOT EXISTS (SELECT 1 FROM guests_declarationversion v WHERE v.declaration_id = d.id)
"""


def drop_indexes(cursor) -> list[str]:
    """Drop guests_declaration's indexes, unique constraints and foreign keys (not the primary
    key); return the statements that rebuild them."""
    cursor.execute(
        """
        SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
        WHERE c.conrelid = 'guests_declaration'::regclass AND c.contype IN ('u', 'f')
        """
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = 'guests_declaration' AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """
    )
    indexes = cursor.fetchall()
    rebuild = []
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE guests_declaration DROP CONSTRAINT "{name}"')
        rebuild.append(f'ALTER TABLE guests_declaration ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
        rebuild.append(definition)
    # Unique ones first: they are what a half-finished rebuild must not lose.
    return sorted(rebuild, key=lambda sql: ("UNIQUE" not in sql, "FOREIGN KEY" in sql))


def generate(total: int, establishments: list[int], desks: list[int]) -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        have = generated_rows(cursor, establishments)
        print(f"{have:,} generated rows already there, target {total:,}", flush=True)
        if have >= total:
            return
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET max_parallel_maintenance_workers = 2")
        rebuild: list[str] = []
        params = {
            "establishments": establishments,
            "desks": desks,
            "pool": ciphertext_pool(),
            "lookup": documents.lookup_key(),
            "nationalities": NATIONALITIES,
            "surnames": SURNAMES,
            "middles": MIDDLES,
            "givens": GIVENS,
            "f_surnames": FOREIGN_SURNAMES,
            "f_givens": FOREIGN_GIVENS,
            **{
                f"{name}_key": [fold(word) for word in words]
                for name, words in (
                    ("surnames", SURNAMES),
                    ("middles", MIDDLES),
                    ("givens", GIVENS),
                    ("f_surnames", FOREIGN_SURNAMES),
                    ("f_givens", FOREIGN_GIVENS),
                )
            },
            "total": total,
        }
        try:
            if total - have > REBUILD_ABOVE:
                rebuild = drop_indexes(cursor)
            for first in range(have + 1, total + 1, BATCH):
                last = min(first + BATCH - 1, total)
                with transaction.atomic():
                    cursor.execute(INSERT, {**params, "first": first, "last": last})
                print(f"  rows to {last:,} ({time.perf_counter() - started:.0f} s)", flush=True)
        finally:
            for sql in rebuild:
                t = time.perf_counter()
                cursor.execute(sql)
                print(f"  {sql[:90]}… ({time.perf_counter() - t:.0f} s)", flush=True)
        t = time.perf_counter()
        cursor.execute(VERSIONS, {"establishments": establishments})
        print(f"  {cursor.rowcount:,} versions ({time.perf_counter() - t:.0f} s)", flush=True)
        t = time.perf_counter()
        # Vacuum too: the visibility map lets the inbox read its index only.
        cursor.execute("VACUUM ANALYZE guests_declaration")
        cursor.execute("VACUUM ANALYZE guests_declarationversion")
        print(f"  vacuum analyze ({time.perf_counter() - t:.0f} s)", flush=True)
    print(f"generated {total - have:,} rows in {time.perf_counter() - started:.0f} s", flush=True)


def check_hash(establishments: list[int]) -> None:
    """pgcrypto's HMAC is guests.documents.document_hash: the search finds generated rows."""
    g = 12345
    number = f"079{g:09d}"
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        cursor.execute(
            "SELECT encode(hmac(convert_to(%s::text, 'UTF8'), %s::bytea, 'sha256'), 'hex')",
            [number, documents.lookup_key()],
        )
        assert cursor.fetchone()[0] == documents.document_hash(number), "pgcrypto HMAC differs"


def reset(establishments: list[int]) -> None:
    """Delete the load establishments' declarations and what hangs off them (the access log
    names declarations without a foreign key, and is append-only: it stays)."""
    of_load = "SELECT id FROM guests_declaration WHERE establishment_id = ANY(%s)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM wards_notification WHERE flag_id IN "
            "(SELECT id FROM wards_flag WHERE establishment_id = ANY(%s))",
            [establishments],
        )
        cursor.execute("DELETE FROM wards_flag WHERE establishment_id = ANY(%s)", [establishments])
        for table in ("guests_declarationversion", "guests_reviewevent"):
            cursor.execute(
                f"DELETE FROM {table} WHERE declaration_id IN ({of_load})", [establishments]
            )
        cursor.execute(
            "DELETE FROM guests_declaration WHERE establishment_id = ANY(%s)", [establishments]
        )
        print(f"reset: deleted {cursor.rowcount:,} declarations", flush=True)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    total = int(args[0].replace("_", "")) if args else 10_000_000
    started = time.perf_counter()
    _, establishments, desks = setup_city()
    check_hash(establishments)
    if "--reset" in sys.argv:
        reset(establishments)
    generate(total, establishments, desks)
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
