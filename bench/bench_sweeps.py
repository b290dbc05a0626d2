"""The overdue sweep at 10 k and at 1 M open stays, with the same 1,000 due.

    DATABASE_URL=postgresql://... DEBUG=1 .venv/bin/python bench/bench_sweeps.py [big]

Builds (SQL generate_series) a throwaway ward with 100 establishments (an owner each, with an
e-mail address) and an officer, 10,000 open stays of which exactly 1,000 have
``overdue_check_at`` in the past, times the overdue sweep (1,000 flags and their 4,000 outbox
rows: owner and officer, in the portal and by e-mail), shows the EXPLAIN of the sweep's select,
re-runs it (0 flags), and runs two sweeps at once on a fresh set (exactly 1,000 flags). Then it
grows the table to 1,000,000 stays (``big``), all others due in the future, and does the same.
Prints the figures and deletes everything it created.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luutru.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import encrypted  # noqa: E402
from establishments.models import Establishment, Kind, Staff, Status  # noqa: E402
from guests import documents  # noqa: E402
from guests.models import Declaration  # noqa: E402
from luutru.models import Officer, Province, Role, User, Ward  # noqa: E402
from wards.flags import sweeps as flagging  # noqa: E402
from wards.models import Flag, Notification  # noqa: E402

DUE = 1000
SMALL = 10_000
RUNS = 7

INSERT = f"""
INSERT INTO guests_declaration (
    kind, full_name, sex, birth_date, nationality, document_type, document_number,
    document_hash, visa_number, entry_port, reason, room, arrival, expected_departure, deadline,
    late, filed_at, review_status, submission_key, establishment_id, filed_by_id, name_key,
    overdue_check_at)
SELECT
    'foreigner', 'Bench Guest ' || i, 'M', date '1990-01-01', 'FR', 'passport',
    (%(pool)s::text[])[1 + i %% {encrypted.POOL}], {encrypted.hash_sql("upper(%(tag)s || i)")},
    '', '', '', (100 + i %% 400)::text,
    now() - interval '1 day', due, now() - interval '12 hours', false,
    now() - interval '1 day', 'confirmed', md5(%(tag)s || i)::uuid,
    (%(establishments)s::bigint[])[1 + i %% %(n)s], %(user)s, 'bench guest ' || i, due
FROM generate_series(%(first)s, %(last)s) AS i,
LATERAL (SELECT CASE WHEN i <= %(due)s THEN now() - interval '1 hour'
                     ELSE now() + interval '1 day' + (i %% 5000) * interval '1 minute' END
         AS due) AS d
"""


class Bench:
    def __init__(self) -> None:
        self.tag = "B" + uuid.uuid4().hex[:6]
        self.province, self.province_created = Province.objects.get_or_create(
            code=9902, defaults={"name": "Bench", "division_type": "tỉnh", "codename": "bench"}
        )
        self.ward = Ward.objects.create(
            code=990_000 + int(self.tag[1:5], 16) % 9999,
            name=f"Bench ward {self.tag}",
            division_type="phường",
            codename=f"bench_{self.tag}",
            province=self.province,
        )
        users = User.objects.bulk_create(
            User(
                username=f"{self.tag}-owner-{i}",
                role=Role.OWNER,
                email=f"owner{i}@bench.invalid",
                password="!",
            )
            for i in range(100)
        )
        self.officer = User.objects.create(
            username=f"{self.tag}-officer",
            role=Role.WARD_OFFICER,
            email="officer@bench.invalid",
            password="!",
        )
        Officer.objects.create(user=self.officer, ward=self.ward)
        self.establishments = Establishment.objects.bulk_create(
            Establishment(
                ward=self.ward,
                name=f"Bench {i}",
                code=f"{self.tag}-{i}",
                kind=Kind.HOTEL,
                address="1 Bench",
                room_count=400,
                status=Status.ACTIVE,
            )
            for i in range(100)
        )
        Staff.objects.bulk_create(
            Staff(user=u, establishment=e) for u, e in zip(users, self.establishments, strict=True)
        )
        self.users = [*users, self.officer]
        self.count = 0
        # Document numbers as the application stores them (bench/encrypted.py).
        encrypted.prepare()
        self.pool = encrypted.pool([f"{self.tag}{j}".upper() for j in range(encrypted.POOL)])
        self.due_hashes = [documents.document_hash(f"{self.tag}{i}") for i in range(1, DUE + 1)]

    def grow_to(self, total: int) -> float:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                INSERT,
                {
                    "tag": self.tag,
                    "establishments": [e.pk for e in self.establishments],
                    "n": len(self.establishments),
                    "user": self.officer.pk,
                    "first": self.count + 1,
                    "last": total,
                    "due": DUE,
                    "pool": self.pool,
                    "lookup_key": documents.lookup_key(),
                },
            )
            cursor.execute("ANALYZE guests_declaration")
        self.count = total
        return time.perf_counter() - started

    def reset(self) -> None:
        """No flags, and the same 1,000 stays due again."""
        Notification.objects.filter(flag__ward=self.ward).delete()
        Flag.objects.filter(ward=self.ward).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE guests_declaration SET overdue_check_at = now() - interval '1 hour' "
                "WHERE document_hash = ANY(%s)",
                [self.due_hashes],
            )
            cursor.execute("VACUUM ANALYZE wards_flag")
            cursor.execute("VACUUM ANALYZE wards_notification")

    def time_sweep(self) -> list[float]:
        self.reset()
        flagging.sweep_overdue()  # warm-up: plans and caches, as on a running worker
        timings = []
        for _ in range(RUNS):
            self.reset()
            started = time.perf_counter()
            raised = flagging.sweep_overdue()
            timings.append((time.perf_counter() - started) * 1000)
            assert raised == DUE, raised
        assert Flag.objects.filter(ward=self.ward).count() == DUE
        assert Notification.objects.filter(flag__ward=self.ward).count() == 4 * DUE
        return timings

    def explain(self) -> str:
        self.reset()
        with transaction.atomic():
            return flagging.due_rows("overdue_check_at", now=timezone.now()).explain(
                analyze=True, buffers=True
            )

    def rerun_adds(self) -> int:
        return flagging.sweep_overdue()

    def concurrent(self) -> tuple[list[int], int]:
        self.reset()
        barrier = threading.Barrier(2)
        results: list[int] = []

        def work() -> None:
            try:
                barrier.wait()
                results.append(flagging.sweep_overdue())
            finally:
                connection.close()

        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results, Flag.objects.filter(ward=self.ward).count()

    def clean(self) -> None:
        Notification.objects.filter(flag__ward=self.ward).delete()
        Flag.objects.filter(ward=self.ward).delete()
        Declaration.objects.filter(establishment__ward=self.ward).delete()
        Staff.objects.filter(establishment__ward=self.ward).delete()
        Establishment.objects.filter(ward=self.ward).delete()
        Officer.objects.filter(ward=self.ward).delete()
        User.objects.filter(pk__in=[u.pk for u in self.users]).delete()
        self.ward.delete()
        if self.province_created:
            self.province.delete()


def report(bench: Bench, label: str) -> float:
    timings = bench.time_sweep()
    median = statistics.median(timings)
    print(f"\n== {label}: {bench.count:,} open stays, {DUE:,} due ==")
    print(
        f"overdue sweep, {DUE:,} flags + {4 * DUE:,} outbox rows: median {median:.0f} ms, "
        f"best {min(timings):.0f} ms "
        f"(runs: {', '.join(f'{t:.0f}' for t in timings)} ms)"
    )
    plan = bench.explain()
    print("EXPLAIN ANALYZE of the sweep's claim:")
    print("  " + plan.replace("\n", "\n  "))
    seq = "Seq Scan on guests_declaration" in plan
    print(f"sequential scan of guests_declaration: {'YES' if seq else 'no'}")
    bench.reset()
    bench.rerun_adds()
    print(f"re-run adds: {bench.rerun_adds()} flags")
    results, flags = bench.concurrent()
    print(f"two concurrent sweeps: {results} -> {flags:,} flags (expected {DUE:,})")
    return median


def main() -> None:
    logging.getLogger("wards.flags.sweeps").setLevel(logging.WARNING)
    big = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    bench = Bench()
    try:
        took = bench.grow_to(SMALL)
        print(f"built {SMALL:,} stays in {took:.1f} s")
        small = report(bench, "10 k")
        took = bench.grow_to(big)
        print(f"\nbuilt up to {big:,} stays in {took:.1f} s")
        large = report(bench, f"{big // 1000:,} k")
        print(
            f"\n{big:,} vs {SMALL:,}: {large / small:.2f}x (target <= 1.5x; 1,000 flags <= 200 ms)"
        )
    finally:
        bench.clean()
        print("cleaned up")


if __name__ == "__main__":
    main()
