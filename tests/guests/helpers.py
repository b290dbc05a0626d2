"""What several test modules of guests share: the rows of a CSV file, the forms the desk posts,
a filed citizen to correct, a register's day."""

from __future__ import annotations

import csv
import io
import itertools
import uuid
from datetime import date, datetime, timedelta

import time_machine
from django.urls import reverse

from guests import services
from guests.deadlines import LOCAL_TZ
from guests.imports import columns
from guests.imports import services as imports
from guests.models import (
    Declaration,
    DeclarationKind,
    DeclarationVersion,
    DocumentType,
    ImportBatch,
    ReviewAction,
    ReviewEvent,
    ReviewStatus,
)

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)
# Document numbers that no two helpers' guests share.
_declared = iter(range(100000, 999999))
_filed = itertools.count(1)


FOREIGNER = {
    "kind": "foreigner",
    "full_name": "MÜLLER Anna Lena",
    "sex": "F",
    "birth_date": "1988-04-12",
    "nationality": "DEU",
    "document_number": "C01X00T47",
    "room": "101",
    # Arrived last evening: 12 hours ran out at 08:00 today, so filing now is late.
    "arrival": "2026-06-14 20:00",
    "expected_departure": "2026-06-17 12:00",
}


CITIZEN = {
    "kind": "citizen",
    "full_name": "Nguyễn Văn An",
    "sex": "M",
    "birth_date": "03/07/1990",
    "document_number": "001090012345",
    "room": "102",
    # Due before 23:00 today: on time.
    "arrival": "2026-06-15 09:30",
    "expected_departure": "2026-06-16 12:00",
}


def make_csv(*rows: dict[str, str], delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns.COLUMN_NAMES)
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns.COLUMN_NAMES])
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def upload(establishment, user, content: bytes) -> ImportBatch:
    return imports.create_import_batch(
        establishment=establishment, uploaded_by=user, filename="guests.csv", content=content
    )


def run(batch: ImportBatch) -> ImportBatch:
    return imports.run_import(batch_id=batch.pk, language="en")


def declare(
    establishment,
    by,
    *,
    name: str = "Anna Eriksson",
    filed_at: datetime | None = None,
    kind: str = DeclarationKind.FOREIGNER,
    late: bool = False,
    status: str = ReviewStatus.PENDING,
    room: str = "101",
    arrival: datetime | None = None,
    document_number: str | None = None,
    versions: int = 1,
    returned_by=None,
) -> Declaration:
    """A declaration as if filed by ``by`` at ``filed_at`` (local time), with its versions and,
    when ``returned_by`` is given, a return by that officer."""
    filed_at = filed_at or datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)
    arrival = arrival or filed_at - timedelta(hours=1)
    declaration = Declaration.objects.create(
        establishment=establishment,
        kind=kind,
        full_name=name,
        sex="F",
        birth_date=date(1980, 1, 1),
        nationality="SE" if kind == DeclarationKind.FOREIGNER else "VN",
        document_type=DocumentType.PASSPORT
        if kind == DeclarationKind.FOREIGNER
        else DocumentType.CITIZEN_ID,
        document_number=document_number or f"P{next(_declared)}",
        room=room,
        arrival=arrival,
        expected_departure=arrival + timedelta(days=2),
        deadline=arrival + timedelta(hours=12),
        late=late,
        filed_by=by,
        filed_at=filed_at,
        review_status=status,
        submission_key=uuid.uuid4(),
    )
    DeclarationVersion.objects.bulk_create(
        DeclarationVersion(
            declaration=declaration,
            number=n,
            data=declaration.snapshot(),
            created_by=by,
            created_at=filed_at + timedelta(minutes=n - 1),
        )
        for n in range(1, versions + 1)
    )
    if returned_by is not None:
        ReviewEvent.objects.create(
            declaration=declaration,
            action=ReviewAction.RETURNED,
            reason="Wrong passport number",
            version_number=1,
            by=returned_by,
            at=filed_at + timedelta(hours=1),
        )
    return declaration


FOREIGNER_URL = reverse("guests:file_foreigner")


CITIZEN_URL = reverse("guests:file_citizen")


def management(count: int) -> dict[str, str]:
    return {
        "guest-TOTAL_FORMS": str(count),
        "guest-INITIAL_FORMS": "0",
        "guest-MIN_NUM_FORMS": "1",
        "guest-MAX_NUM_FORMS": "20",
    }


def stay(**overrides) -> dict[str, str]:
    data = {
        "room": "101",
        "arrival": "2026-06-15T09:30",
        "expected_departure": "2026-06-17T12:00",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def foreigner(i: int = 0, **overrides) -> dict[str, str]:
    data = {
        "full_name": "  Anna Maria Eriksson ",
        "sex": "F",
        "birth_date": "1974-08-12",
        "nationality": "SE",
        "document_type": "passport",
        "document_number": f"l89890{i}c3",
        "document_expiry": "2030-04-15",
        "visa_number": "",
        "visa_expiry": "",
        "entry_port": "Nội Bài",
        "entry_date": "2026-06-14",
        "mrz": "",
    }
    data.update(overrides)
    return {f"guest-{i}-{name}": value for name, value in data.items()}


def citizen(i: int = 0, **overrides) -> dict[str, str]:
    data = {
        "full_name": "Nguyễn Thị  Hoà",
        "sex": "F",
        "birth_date": "1990-03-02",
        # 001: Hà Nội; 1: a woman born 1900-1999; 90: born 1990.
        "document_number": f"00119001234{i}",
        "reason": "Du lịch",
    }
    data.update(overrides)
    return {f"guest-{i}-{name}": value for name, value in data.items()}


def post(client, url, *guests, **stay_overrides):
    data = {**management(len(guests)), **stay(**stay_overrides)}
    for guest in guests:
        data.update(guest)
    return client.post(url, data)


def file_citizen(establishment, by, *, room: str = "101", number: str = "001090012345"):
    (declaration,) = services.file_declarations(
        establishment=establishment,
        filed_by=by,
        kind=DeclarationKind.CITIZEN,
        guests=[
            {
                "full_name": "Nguyễn Văn An",
                "sex": "M",
                "birth_date": date(1990, 1, 1),
                "nationality": "VN",
                "document_type": DocumentType.CITIZEN_ID,
                "document_number": number,
            }
        ],
        stay={
            "room": room,
            "arrival": NOW - timedelta(hours=1),
            "expected_departure": NOW + timedelta(days=2),
        },
        submission_key=uuid.uuid4(),
    )
    return declaration


def citizen_post(declaration, **overrides) -> dict[str, str]:
    data = {
        "full_name": declaration.full_name,
        "sex": declaration.sex,
        "birth_date": declaration.birth_date.isoformat(),
        "document_number": declaration.document_number,
        "reason": declaration.reason,
        "room": declaration.room,
        "arrival": declaration.arrival.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M"),
        "expected_departure": declaration.expected_departure.astimezone(LOCAL_TZ).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "action": "correct",
    }
    data.update(overrides)
    return data


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def file(
    establishment,
    by,
    *,
    kind: str = DeclarationKind.CITIZEN,
    arrival: datetime,
    filed_at: datetime | None = None,
    room: str = "101",
) -> Declaration:
    n = next(_filed)
    if kind == DeclarationKind.CITIZEN:
        guest = {
            "full_name": f"Nguyễn Văn {n}",
            "sex": "M",
            "birth_date": date(1990, 1, 1),
            "nationality": "VN",
            "document_type": DocumentType.CITIZEN_ID,
            "document_number": f"{n:012d}",
        }
    else:
        guest = {
            "full_name": f"Anna Eriksson {n}",
            "sex": "F",
            "birth_date": date(1974, 8, 12),
            "nationality": "SE",
            "document_type": DocumentType.PASSPORT,
            "document_number": f"P{n:07d}",
        }
    with time_machine.travel(filed_at or arrival, tick=False):
        (declaration,) = services.file_declarations(
            establishment=establishment,
            filed_by=by,
            kind=kind,
            guests=[guest],
            stay={
                "room": room,
                "arrival": arrival,
                "expected_departure": arrival + timedelta(days=2),
            },
            submission_key=uuid.uuid4(),
        )
    return declaration
