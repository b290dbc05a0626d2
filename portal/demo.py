"""Demo data: the lodgings of Phường Hoàn Kiếm (Hà Nội), their staff, and the police who
receive their declarations. Loaded by `manage.py load_demo`; logins printed by `demo_logins`.

Every demo account shares one password, and each account that needs a second factor has a
TOTP device whose key is derived from its username, so the same secret is printed on every run
and survives a reset of the database. None of this belongs on a production server."""

from __future__ import annotations

import hashlib
import hmac
import random
from base64 import b32encode
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from establishments.models import Application, Establishment, Kind, Staff, Status
from luutru.models import ImmigrationOfficer, Officer, Role, User, Ward
from portal.demo_guests import load_guests
from portal.demo_immigration import load_immigration

PASSWORD = "demo-luutru-2026"
WARD_NAME = "Phường Hoàn Kiếm"
PROVINCE_NAME = "Thành phố Hà Nội"
TOTP_LABEL = b"luutru demo TOTP key v1"

ADMIN = "demo-admin"
COMMANDER = "demo-commander"
OFFICER = "demo-officer"
IMMIGRATION = "demo-immigration"
OWNER = "demo-owner"
RECEPTIONIST = "demo-reception"
RECEPTIONIST_NO_2FA = "demo-frontdesk"
SPONSOR = "demo-sponsor"

# (label, username) in the order demo_logins prints them.
SHOWCASE = [
    ("Site administrator", ADMIN),
    ("Ward commander", COMMANDER),
    ("Ward officer", OFFICER),
    ("Immigration officer", IMMIGRATION),
    ("Sponsoring organisation", SPONSOR),
    ("Owner", OWNER),
    ("Receptionist", RECEPTIONIST),
    ("Receptionist without 2FA", RECEPTIONIST_NO_2FA),
]

# How many establishments of each kind; about the 105 lodgings of the 2016 pilot ward.
KIND_COUNTS = {
    Kind.HOTEL: 36,
    Kind.GUESTHOUSE: 22,
    Kind.HOMESTAY: 16,
    Kind.SERVICED_APARTMENT: 10,
    Kind.BOARDING_HOUSE: 8,
    Kind.PRIVATE_HOME: 8,
}
KIND_PREFIXES = {
    Kind.HOTEL: "Khách sạn",
    Kind.GUESTHOUSE: "Nhà nghỉ",
    Kind.HOMESTAY: "Homestay",
    Kind.SERVICED_APARTMENT: "Căn hộ dịch vụ",
    Kind.BOARDING_HOUSE: "Nhà trọ",
    Kind.PRIVATE_HOME: "Nhà riêng",
}
ROOMS = {
    Kind.HOTEL: (12, 90),
    Kind.GUESTHOUSE: (6, 18),
    Kind.HOMESTAY: (2, 8),
    Kind.SERVICED_APARTMENT: (8, 30),
    Kind.BOARDING_HOUSE: (5, 15),
    Kind.PRIVATE_HOME: (1, 3),
}
STREETS = [
    "Hàng Bạc", "Hàng Bè", "Mã Mây", "Lương Văn Can", "Hàng Gai", "Tạ Hiện", "Hàng Buồm",
    "Đinh Liệt", "Hàng Bồ", "Hàng Chiếu", "Hàng Đào", "Hàng Ngang", "Hàng Đường", "Hàng Mành",
    "Hàng Quạt", "Hàng Trống", "Hàng Hành", "Hàng Giày", "Cầu Gỗ", "Lò Sũ", "Nguyễn Hữu Huân",
    "Hàng Thùng", "Hàng Tre", "Gia Ngư", "Ấu Triệu", "Nhà Chung", "Hàng Dầu", "Hàng Cót",
    "Hàng Vải", "Tô Tịch", "Hàng Mắm", "Chợ Gạo", "Đào Duy Từ", "Ngõ Gạch", "Bát Đàn",
    "Hàng Khay", "Lý Quốc Sư", "Hàng Cân", "Nguyễn Văn Tố", "Đinh Tiên Hoàng",
]  # fmt: skip
STEMS = [
    "Hoàn Kiếm", "Phố Cổ", "Hồ Gươm", "Thăng Long", "Hà Nội Xưa", "Sen Vàng", "Hoa Sữa",
    "Ngọc Sơn", "Thê Húc", "Đông Kinh", "Long Biên", "Phượng Hoàng", "Bông Sen", "Hoàng Gia",
    "Á Châu", "Thủy Tiên", "An Nhiên", "Mộc Miên", "Tràng An", "Kim Ngân", "Bình Minh",
    "Hương Giang", "Trúc Xanh", "Lụa Vàng", "Đồng Xuân", "Cầu Gỗ", "Ô Quan Chưởng", "Rồng Vàng",
    "Thiên Thanh", "Minh Châu", "Hải Đăng", "Hồng Hà", "Tháp Rùa", "Lạc Long", "Ngọc Lan",
    "Thanh Bình", "Phú Gia", "Việt Hưng", "Gia Bảo", "Tâm An", "Nắng Sớm", "Sao Mai",
    "Hoa Ban", "Tre Việt", "Lá Sen", "Mây Trắng",
]  # fmt: skip
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Phan"]
MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Thanh", "Quốc", "Hải", "Bảo"]
GIVEN_NAMES = [
    "An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hương", "Lan", "Linh", "Long", "Mai", "Nam",
    "Phương", "Quân", "Sơn", "Trang", "Tuấn", "Vy", "Hạnh", "Khoa", "Thảo", "Yến",
]  # fmt: skip
HOUSEHOLDERS = [
    *(f"bà {name}" for name in ["Lan", "Mai", "Hương", "Thoa", "Hạnh", "Yến", "Liên", "Nga"]),
    *(f"ông {name}" for name in ["Dũng", "Hải", "Long", "Tuấn", "Khoa", "Thắng", "Bình"]),
]
PENDING_APPLICATIONS = [
    (Kind.HOMESTAY, "Homestay Ngõ Hàng Hương", "8 ngõ Hàng Hương"),
    (Kind.HOTEL, "Khách sạn Hàng Khoai Boutique", "27 Hàng Khoai"),
    (Kind.GUESTHOUSE, "Nhà nghỉ Hàng Phèn", "15 Hàng Phèn"),
    (Kind.PRIVATE_HOME, "Nhà riêng bà Tâm", "3 ngõ Phất Lộc"),
    (Kind.SERVICED_APARTMENT, "Căn hộ dịch vụ Hàng Chĩnh", "41 Hàng Chĩnh"),
]


def totp_key(username: str) -> str:
    """The demo account's TOTP key, hex-encoded as django-otp stores it: 20 bytes of an HMAC of
    the username, so it is the same on every machine and every run."""
    return hmac.new(TOTP_LABEL, username.encode(), hashlib.sha256).digest()[:20].hex()


def base32_secret(hex_key: str) -> str:
    """The key as an authenticator app asks for it, in groups of four."""
    raw = b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@dataclass(frozen=True)
class DemoCounts:
    establishments: int
    users: int
    applications: int
    declarations: int
    closings: int


def is_loaded() -> bool:
    return User.objects.filter(username=OFFICER).exists()


def _person(rng: random.Random) -> str:
    middle = rng.choice(MIDDLE_NAMES)
    return f"{rng.choice(SURNAMES)} {middle} {rng.choice(GIVEN_NAMES)}"


def _phone(rng: random.Random) -> str:
    return f"09{rng.randrange(10**8):08d}"


def _establishments(ward: Ward, rng: random.Random) -> list[Establishment]:
    addresses = [f"{n} {street}" for street in STREETS for n in range(2, 120)]
    rng.shuffle(addresses)
    establishments = []
    for kind, count in KIND_COUNTS.items():
        if kind == Kind.PRIVATE_HOME:
            # Named after the family that lets the rooms: "Nhà riêng bà Lan".
            stems = rng.sample(HOUSEHOLDERS, count)
        else:
            stems = rng.sample(STEMS, count)
        for stem in stems:
            n = len(establishments) + 1
            address = addresses.pop()
            name = f"{KIND_PREFIXES[kind]} {stem}"
            low, high = ROOMS[kind]
            establishments.append(
                Establishment(
                    code=f"HK-{n:03d}",
                    name=name,
                    kind=kind,
                    star_rating=rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
                    if kind == Kind.HOTEL
                    else None,
                    address=address,
                    ward=ward,
                    # Enterprise codes issued in Hà Nội start with 01; a family letting rooms
                    # in its own home has none.
                    business_registration_number=""
                    if kind == Kind.PRIVATE_HOME
                    else f"01{rng.randrange(10**8):08d}",
                    room_count=rng.randint(low, high),
                    status=Status.ACTIVE,
                )
            )
    # The first hotel is the one the demo owner and receptionist work at; it reads best on
    # the desk page with a plain name and a well-known street.
    establishments[0].name = "Khách sạn Phố Cổ Hàng Bạc"
    establishments[0].address = "52 Hàng Bạc"
    establishments[0].star_rating = 3
    return establishments


@transaction.atomic
def load(ward: Ward) -> DemoCounts:
    """Create the demo in `ward` and its province. Call only when `is_loaded()` is false."""
    rng = random.Random(2016)  # the year of the Hà Nội pilot; fixed, so every run is the same
    password = make_password(PASSWORD)  # hashed once: hashing is slow on purpose

    establishments = _establishments(ward, rng)
    # One homestay whose owner let the front desk log in with a password alone.
    no_2fa = next(e for e in establishments if e.kind == Kind.HOMESTAY)
    no_2fa.receptionist_2fa_required = False
    Establishment.objects.bulk_create(establishments)

    users: list[User] = []
    staff_of: list[tuple[User, Establishment]] = []

    def person(username: str, role: str, **fields) -> User:
        user = User(
            username=username,
            password=password,
            role=role,
            full_name=fields.pop("full_name", None) or _person(rng),
            phone=_phone(rng),
            **fields,
        )
        users.append(user)
        return user

    for establishment in establishments:
        prefix = establishment.code.lower()
        owner = OWNER if establishment is establishments[0] else f"{prefix}-owner"
        desk = f"{prefix}-desk"
        if establishment is establishments[0]:
            desk = RECEPTIONIST
        elif establishment is no_2fa:
            desk = RECEPTIONIST_NO_2FA
        staff_of.append((person(owner, Role.OWNER), establishment))
        staff_of.append((person(desk, Role.RECEPTIONIST), establishment))

    officer = person(OFFICER, Role.WARD_OFFICER, full_name="Nguyễn Văn Minh")
    commander = person(COMMANDER, Role.WARD_COMMANDER, full_name="Trần Quốc Hùng")
    immigration = person(IMMIGRATION, Role.IMMIGRATION_OFFICER, full_name="Lê Thu Hà")
    sponsor = person(SPONSOR, Role.SPONSOR, full_name="Đỗ Minh Châu")
    person(
        ADMIN,
        Role.SITE_ADMIN,
        full_name="Quản trị hệ thống",
        is_staff=True,
        is_superuser=True,
        email="admin@example.vn",
    )
    User.objects.bulk_create(users)

    Staff.objects.bulk_create(Staff(user=u, establishment=e) for u, e in staff_of)
    Officer.objects.bulk_create(
        [Officer(user=officer, ward=ward), Officer(user=commander, ward=ward)]
    )
    ImmigrationOfficer.objects.create(user=immigration, province=ward.province)

    needs_2fa = {u.pk for u in users if u.role != Role.RECEPTIONIST}
    needs_2fa |= {u.pk for u, e in staff_of if e.receptionist_2fa_required}
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=u, name="Demo authenticator", confirmed=True, key=totp_key(u.username))
        for u in users
        if u.pk in needs_2fa
    )

    applications = Application.objects.bulk_create(
        Application(
            name=name,
            kind=kind,
            star_rating=3 if kind == Kind.HOTEL else None,
            address=address,
            ward=ward,
            business_registration_number=""
            if kind == Kind.PRIVATE_HOME
            else f"01{rng.randrange(10**8):08d}",
            room_count=rng.randint(*ROOMS[kind]),
            owner_name=_person(rng),
            owner_phone=_phone(rng),
            owner_email=f"chu.nha{i}@example.vn",
        )
        for i, (kind, name, address) in enumerate(PENDING_APPLICATIONS, start=1)
    )
    guests = load_guests(
        establishments=establishments,
        receptionists={e.pk: u for u, e in staff_of if u.role == Role.RECEPTIONIST},
        officer=officer,
        rng=rng,
    )
    owner = next(u for u, e in staff_of if e is establishments[0] and u.role == Role.OWNER)
    load_immigration(
        ward=ward,
        hotel=establishments[0],
        owner=owner,
        officer=officer,
        immigration=immigration,
        sponsor_user=sponsor,
        rng=rng,
    )
    return DemoCounts(
        len(establishments), len(users), len(applications), guests.declarations, guests.closings
    )
