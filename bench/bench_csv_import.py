"""How fast a 10,000-row CSV import is checked and filed.

    DATABASE_URL=postgresql://... DEBUG=1 .venv/bin/python bench/bench_csv_import.py [rows]

Creates a throwaway establishment (and its users) in the database DATABASE_URL points at,
generates valid rows (70 % foreigners, 30 % citizens, some arriving long enough ago to be late),
runs the import service directly (no Celery), prints rows/s and seconds for the check and the
filing phases, and deletes everything it created.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luutru.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from establishments.models import Establishment, Kind, Staff, Status  # noqa: E402
from guests import deadlines  # noqa: E402
from guests.imports import columns, services  # noqa: E402
from guests.imports import rows as checking  # noqa: E402
from guests.models import Declaration, ImportBatch  # noqa: E402
from luutru.models import Province, Role, User, Ward  # noqa: E402  # noqa: E402

DIGITS_AS_LETTERS = str.maketrans("0123456789", "ABCDEFGHIJ")


def make_csv(rows: int) -> bytes:
    now = deadlines.to_local(timezone.now()).replace(second=0, microsecond=0)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns.COLUMN_NAMES)
    for i in range(rows):
        arrival = now - timedelta(minutes=(i * 7) % (30 * 60))
        departure = arrival + timedelta(days=2)
        values = {
            "room": str(100 + i % 400),
            "arrival": arrival.strftime("%Y-%m-%d %H:%M"),
            "expected_departure": departure.strftime("%Y-%m-%d %H:%M"),
        }
        yy = 50 + i % 50
        spelled = str(i).translate(DIGITS_AS_LETTERS)  # the import refuses digits in a name
        if i % 10 < 7:
            values |= {
                "kind": "foreigner",
                "full_name": f"MÜLLER Anna {spelled}",
                "sex": "F",
                "birth_date": f"19{yy}-04-12",
                "nationality": ("DEU", "FR", "USA", "KOR", "JP")[i % 5],
                "document_number": f"B{i:08d}",
                "visa_number": f"V{i}",
                "entry_port": "Nội Bài",
            }
        else:
            values |= {
                "kind": "citizen",
                "full_name": f"Nguyễn Văn An {spelled}",
                "sex": "M",
                "birth_date": f"12/04/19{yy}",
                "document_number": f"0010{yy:02d}{i:06d}",
                "reason": "Công tác",
            }
        writer.writerow([values.get(name, "") for name in columns.COLUMN_NAMES])
    return out.getvalue().encode()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    tag = uuid.uuid4().hex[:8]
    province, province_created = Province.objects.get_or_create(
        code=9901, defaults={"name": "Bench", "division_type": "tỉnh", "codename": "bench"}
    )
    ward = Ward.objects.create(
        code=990000 + int(tag[:4], 16) % 9999,
        name=f"Bench {tag}",
        division_type="phường",
        codename=f"bench_{tag}",
        province=province,
    )
    establishment = Establishment.objects.create(
        ward=ward,
        name=f"Bench {tag}",
        code=f"BENCH-{tag}",
        kind=Kind.HOTEL,
        address="1 Bench",
        room_count=500,
        status=Status.ACTIVE,
    )
    user = User.objects.create_user(username=f"bench-{tag}", role=Role.RECEPTIONIST)
    Staff.objects.create(user=user, establishment=establishment)
    try:
        content = make_csv(rows)
        batch = services.create_import_batch(
            establishment=establishment, uploaded_by=user, filename="bench.csv", content=content
        )
        start = time.perf_counter()
        result = checking.check_rows(content=content, establishment=establishment)
        checked = time.perf_counter()
        if result.errors:
            raise SystemExit(f"unexpected errors: {result.errors[:5]}")
        batch = services.file_import(batch=batch, rows=result.rows)
        filed = time.perf_counter()
        assert (
            batch.filed == rows == Declaration.objects.filter(establishment=establishment).count()
        )
        late = Declaration.objects.filter(establishment=establishment, late=True).count()
        check_s, file_s = checked - start, filed - checked
        print(f"rows: {rows} ({len(content) / 1e6:.1f} MB), late: {late}")
        print(f"check: {check_s:6.2f} s  {rows / check_s:8.0f} rows/s")
        print(f"file:  {file_s:6.2f} s  {rows / file_s:8.0f} rows/s")
        print(f"total: {check_s + file_s:6.2f} s  {rows / (check_s + file_s):8.0f} rows/s")
    finally:
        Declaration.objects.filter(establishment=establishment).delete()
        ImportBatch.objects.filter(establishment=establishment).delete()
        Staff.objects.filter(establishment=establishment).delete()
        user.delete()
        establishment.delete()
        ward.delete()
        if province_created:
            province.delete()


if __name__ == "__main__":
    main()
