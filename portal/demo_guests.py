"""Demo guests: a few days of check-ins at the demo lodgings of Phường Hoàn Kiếm.

Most guests of the old quarter are foreigners (the 2016 pilot counted about 1,000 new guests a
day in one ward, most of them from abroad); a share are Vietnamese citizens. Past days are
mostly reviewed by the ward officer and closed by the front desks; a few declarations are
late, returned or corrected, and a few registers were never closed, so every page has
something real to show."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django.utils import timezone

from establishments.models import Establishment
from guests import services
from guests.models import Declaration, DeclarationKind, DocumentType, RegisterClosing, Sex
from guests.register import services as register
from luutru.models import User
from wards.flags import sweeps as flagging

DAYS = 4  # today and the three days before

# Nationality, weight, surnames, given names (male, female).
ORIGINS = [
    (
        "KR",
        14,
        ["Kim", "Lee", "Park", "Choi", "Jung"],
        (["Min-jun", "Ji-ho"], ["Seo-yeon", "Ji-woo"]),
    ),
    ("CN", 10, ["Wang", "Li", "Zhang", "Liu", "Chen"], (["Wei", "Hao"], ["Fang", "Xiu Ying"])),
    ("US", 9, ["Smith", "Johnson", "Brown", "Miller"], (["James", "Michael"], ["Emily", "Sarah"])),
    ("FR", 8, ["Martin", "Bernard", "Dubois", "Lefèvre"], (["Lucas", "Hugo"], ["Léa", "Chloé"])),
    ("GB", 7, ["Taylor", "Wilson", "Davies", "Evans"], (["Oliver", "Harry"], ["Amelia", "Isla"])),
    ("AU", 6, ["Walker", "White", "Harris", "Martin"], (["Jack", "Noah"], ["Charlotte", "Mia"])),
    (
        "DE",
        6,
        ["Müller", "Schmidt", "Schneider", "Fischer"],
        (["Jonas", "Felix"], ["Anna", "Lena"]),
    ),
    ("JP", 6, ["Sato", "Suzuki", "Takahashi", "Tanaka"], (["Haruto", "Sota"], ["Yui", "Aoi"])),
    ("TH", 4, ["Saetang", "Srisuk", "Wongsa"], (["Somchai", "Anan"], ["Malee", "Ploy"])),
    ("MY", 3, ["Tan", "Lim", "Abdullah"], (["Ahmad", "Wei Jie"], ["Nur Aisyah", "Mei Ling"])),
    ("SG", 3, ["Tan", "Ng", "Goh"], (["Ethan", "Ryan"], ["Chloe", "Rachel"])),
    ("IN", 3, ["Sharma", "Patel", "Iyer"], (["Arjun", "Rohan"], ["Priya", "Ananya"])),
    ("RU", 3, ["Ivanov", "Smirnova", "Kuznetsov"], (["Dmitry", "Alexei"], ["Olga", "Anastasia"])),
    ("CA", 3, ["Tremblay", "Roy", "Gagnon"], (["Liam", "William"], ["Olivia", "Emma"])),
    ("IT", 3, ["Rossi", "Russo", "Ferrari"], (["Marco", "Luca"], ["Giulia", "Sofia"])),
    ("ES", 2, ["García", "Fernández", "López"], (["Pablo", "Javier"], ["Lucía", "María"])),
    ("NL", 2, ["de Jong", "Jansen", "Visser"], (["Daan", "Sem"], ["Julia", "Tess"])),
    ("SE", 2, ["Andersson", "Johansson"], (["Erik", "Lars"], ["Astrid", "Ingrid"])),
    ("TW", 2, ["Lin", "Huang", "Wu"], (["Chih-Ming", "Yu-Chen"], ["Shu-Fen", "Hui-Ling"])),
    ("IL", 1, ["Cohen", "Levi"], (["Noam", "Itai"], ["Noa", "Tamar"])),
    ("XXA", 1, ["Karimi"], (["Reza"], ["Leila"])),
]
VN_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
VN_MIDDLE = (["Văn", "Đức", "Minh", "Quốc"], ["Thị", "Ngọc", "Thu", "Thanh"])
VN_GIVEN = (["Hùng", "Nam", "Tuấn", "Dũng", "Long"], ["Lan", "Hương", "Mai", "Linh", "Trang"])
# Province codes that open a personal identification number: Hà Nội, Hải Phòng, Đà Nẵng,
# Thành phố Hồ Chí Minh, Nghệ An, Thanh Hóa.
VN_PROVINCE_CODES = ["001", "031", "048", "079", "040", "038"]
REASONS = ["Du lịch", "Công tác", "Thăm người thân", "Khám chữa bệnh"]
RETURN_REASONS = [
    "Số hộ chiếu không khớp với ảnh chụp hộ chiếu, đề nghị kiểm tra lại.",
    "Ngày sinh chưa đúng, đề nghị đối chiếu giấy tờ.",
]


@dataclass(frozen=True)
class GuestCounts:
    declarations: int
    closings: int


def _local(day: date, minutes: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()) + timedelta(minutes=minutes))


def _citizen_number(rng: random.Random, birth: date, sex: str) -> str:
    century = (birth.year // 100) - 19  # 0 for 1900s, 1 for 2000s
    code = 2 * century + (1 if sex == Sex.FEMALE else 0)
    return f"{rng.choice(VN_PROVINCE_CODES)}{code}{birth.year % 100:02d}{rng.randrange(10**6):06d}"


def _guest(rng: random.Random, today: date) -> tuple[str, dict]:
    sex = rng.choice([Sex.MALE, Sex.FEMALE])
    birth = today - timedelta(days=rng.randint(18 * 365, 75 * 365))
    female = sex == Sex.FEMALE
    if rng.random() < 0.25:
        name = " ".join(
            [rng.choice(VN_SURNAMES), rng.choice(VN_MIDDLE[female]), rng.choice(VN_GIVEN[female])]
        )
        return DeclarationKind.CITIZEN, {
            "full_name": name,
            "sex": sex,
            "birth_date": birth,
            "nationality": "VN",
            "document_type": DocumentType.CITIZEN_ID,
            "document_number": _citizen_number(rng, birth, sex),
            "reason": rng.choice(REASONS),
        }
    nationality, _weight, surnames, given = rng.choices(
        ORIGINS, weights=[origin[1] for origin in ORIGINS]
    )[0]
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _i in range(2))
    return DeclarationKind.FOREIGNER, {
        "full_name": f"{rng.choice(given[female])} {rng.choice(surnames)}".upper(),
        "sex": sex,
        "birth_date": birth,
        "nationality": nationality,
        "document_type": DocumentType.PASSPORT,
        "document_number": f"{letters}{rng.randrange(10**7):07d}",
        "document_expiry": today + timedelta(days=rng.randint(200, 3000)),
        "visa_number": f"V{rng.randrange(10**7):07d}",
        "visa_expiry": today + timedelta(days=_visa_days(rng.randint(10, 80))),
        "entry_port": rng.choice(["Sân bay Nội Bài", "Sân bay Tân Sơn Nhất", "Cửa khẩu Hữu Nghị"]),
        "entry_date": today - timedelta(days=rng.randint(0, 10)),
    }


def _visa_days(days: int) -> int:
    """Days of visa left: one guest in twelve or so is within a week of the end, so that the
    visa warnings and "request an extension" have someone to show."""
    return days - 9 if days < 16 else days


@dataclass
class _Stay:
    """One demo guest's stay, planned before it is replayed through the services."""

    establishment: Establishment
    desk: User
    kind: str
    guest: dict
    stay: dict
    submission_key: uuid.UUID
    declaration: Declaration | None = None


def load_guests(
    *,
    establishments: list[Establishment],
    receptionists: dict[int, User],
    officer: User,
    rng: random.Random,
) -> GuestCounts:
    """File a few days of guests at each establishment. `receptionists` maps an
    establishment's id to the account that files for it.

    The days are planned first (who arrives when, who files late, checks out, is corrected,
    confirmed or returned, which registers are closed), then replayed in the order they
    happened through the services a real desk and officer use (guests.services,
    guests.register.close_register), each at its own time: so the demo's declarations carry
    their versions, late marks, flags and notifications exactly as real ones would."""
    now = timezone.now()
    today = timezone.localdate(now)
    # The lodgings were approved before the days they file for, so that they owe those days'
    # registers (guests.register.first_owed_day) and the sweep flags the ones left open.
    approved = _local(today - timedelta(days=DAYS - 1), 0)
    Establishment.objects.filter(pk__in=[e.pk for e in establishments]).update(created_at=approved)
    for establishment in establishments:
        establishment.created_at = approved
    # (time, order of planning, action): sorted, then run.
    events: list[tuple[datetime, int, Callable[[], object]]] = []

    def plan(at: datetime, action: Callable[[], object]) -> None:
        if at <= now:
            events.append((at, len(events), action))

    stays: list[_Stay] = []
    for establishment in establishments:
        remote = establishment.ward.remote
        desk = receptionists[establishment.pk]
        for back in range(DAYS - 1, -1, -1):
            day = today - timedelta(days=back)
            latest = 24 * 60 - 1
            if back == 0:
                latest = min(latest, int((now - _local(day, 0)).total_seconds() // 60) - 30)
            if latest < 0:
                continue
            for _n in range(rng.randint(0, max(1, establishment.room_count // 8))):
                kind, guest = _guest(rng, today)
                arrival = _local(day, rng.randint(0, latest))
                nights = rng.randint(1, 4)
                room = str(rng.randint(1, 6) * 100 + rng.randint(1, 12))
                stay = _Stay(
                    establishment=establishment,
                    desk=desk,
                    kind=kind,
                    guest=guest,
                    stay={
                        "room": room,
                        "arrival": arrival,
                        "expected_departure": timezone.make_aware(
                            datetime.combine(day + timedelta(days=nights), time(12))
                        ),
                    },
                    submission_key=uuid.UUID(int=rng.getrandbits(128)),
                )
                stays.append(stay)
                deadline = Declaration(kind=kind, arrival=arrival).legal_deadline(remote=remote)
                # Most desks file within minutes of check-in; one in twenty misses the line.
                if rng.random() < 0.05:
                    filed_at = deadline + timedelta(minutes=rng.randint(5, 300))
                else:
                    filed_at = arrival + timedelta(minutes=rng.randint(1, 20))
                filed_at = min(filed_at, now)
                corrected = rng.random() < 0.03
                if corrected:
                    # The room was typed wrong at check-in and put right an hour later.
                    stay.stay["room"] = f"{room}A"
                plan(filed_at, partial(_file, stay, at=filed_at))
                if corrected:
                    corrected_at = min(filed_at + timedelta(hours=1), now)
                    plan(corrected_at, partial(_correct, stay, {"room": room}, at=corrected_at))
                # Past days are mostly reviewed; a few were returned.
                if back > 0:
                    roll = rng.random()
                    reviewed_at = min(filed_at + timedelta(hours=rng.randint(1, 10)), now)
                    if corrected:
                        reviewed_at = min(max(reviewed_at, filed_at + timedelta(hours=2)), now)
                    if roll < 0.03:
                        reason = rng.choice(RETURN_REASONS)
                        plan(reviewed_at, partial(_return, stay, officer, reason, at=reviewed_at))
                    elif roll < 0.9:
                        plan(reviewed_at, partial(_confirm, stay, officer, at=reviewed_at))
                # Most guests who were due to leave have checked out; a few are overdue.
                departure = stay.stay["expected_departure"]
                if departure < now and rng.random() < 0.9:
                    left = departure - timedelta(minutes=rng.randint(0, 90))
                    left = max(left, filed_at + timedelta(minutes=1))
                    plan(left, partial(_check_out, stay, at=left))
            # Past days are closed the next morning, except by a few forgetful desks.
            if back > 0 and rng.random() < 0.92:
                closed_at = _local(day + timedelta(days=1), rng.randint(0, 7 * 60))
                plan(
                    closed_at,
                    partial(
                        register.close_register,
                        establishment=establishment,
                        day=day,
                        by=desk,
                        at=closed_at,
                    ),
                )

    for _at, _order, action in sorted(events, key=lambda event: event[:2]):
        action()
    # The missing registers are found by the beat's sweep, as they would have been.
    flagging.sweep_missing(now=now)
    return GuestCounts(
        sum(stay.declaration is not None for stay in stays),
        RegisterClosing.objects.filter(establishment__in=establishments).count(),
    )


def _file(stay: _Stay, *, at: datetime) -> None:
    (stay.declaration,) = services.file_declarations(
        establishment=stay.establishment,
        filed_by=stay.desk,
        kind=stay.kind,
        guests=[stay.guest],
        stay=stay.stay,
        submission_key=stay.submission_key,
        at=at,
    )


def _correct(stay: _Stay, data: dict, *, at: datetime) -> None:
    services.correct_declaration(
        declaration=stay.declaration, corrected_by=stay.desk, data=data, at=at
    )


def _confirm(stay: _Stay, officer: User, *, at: datetime) -> None:
    services.confirm_declaration(declaration=stay.declaration, officer=officer, at=at)


def _return(stay: _Stay, officer: User, reason: str, *, at: datetime) -> None:
    services.return_declaration(declaration=stay.declaration, officer=officer, reason=reason, at=at)


def _check_out(stay: _Stay, *, at: datetime) -> None:
    services.check_out(declarations=[stay.declaration], at=at, by=stay.desk)
