"""Plain helpers that make rows for tests."""

from __future__ import annotations

import itertools

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from establishments.models import Establishment, Kind, Staff, Status
from luutru.models import ImmigrationOfficer, Officer, Province, Role, User, Ward

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def make_province(*, code: int = 1, name: str = "Thành phố Hà Nội") -> Province:
    province, _ = Province.objects.get_or_create(
        code=code,
        defaults={"name": name, "division_type": "thành phố trung ương", "codename": "ha_noi"},
    )
    return province


def make_ward(
    *, code: int = 70, name: str = "Phường Hoàn Kiếm", province: Province | None = None
) -> Ward:
    province = province or make_province()
    ward, _ = Ward.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "division_type": "phường",
            "codename": f"ward_{code}",
            "province": province,
        },
    )
    return ward


def make_user(*, role: str, username: str | None = None, **fields) -> User:
    username = username or f"{role}-{next(_seq)}"
    fields.setdefault("full_name", username.replace("-", " ").title())
    if role == Role.SITE_ADMIN:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
    return User.objects.create_user(username=username, password=PASSWORD, role=role, **fields)


def make_establishment(
    *, ward: Ward | None = None, name: str | None = None, **fields
) -> Establishment:
    ward = ward or make_ward()
    n = next(_seq)
    fields.setdefault("kind", Kind.HOTEL)
    fields.setdefault("address", f"{n} Hàng Bạc")
    fields.setdefault("room_count", 20)
    fields.setdefault("status", Status.ACTIVE)
    return Establishment.objects.create(
        ward=ward, name=name or f"Khách sạn {n}", code=f"T{ward.code}-{n:04d}", **fields
    )


def make_staff(*, establishment: Establishment, role: str = Role.RECEPTIONIST, **fields) -> User:
    user = make_user(role=role, **fields)
    Staff.objects.create(user=user, establishment=establishment)
    return user


def make_officer(*, ward: Ward, role: str = Role.WARD_OFFICER, **fields) -> User:
    user = make_user(role=role, **fields)
    Officer.objects.create(user=user, ward=ward)
    return user


def make_immigration_officer(*, province: Province, **fields) -> User:
    user = make_user(role=Role.IMMIGRATION_OFFICER, **fields)
    ImmigrationOfficer.objects.create(user=user, province=province)
    return user


def enrol_totp(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def totp_key_from_page(page) -> str:
    """The hex key of the enrolment page's "enter this key by hand" (base32, in groups)."""
    import base64
    import re

    shown = re.search(r'<code class="fs-6">([A-Z2-7 ]+)</code>', page.content.decode())[1]
    raw = shown.replace(" ", "")
    return base64.b32decode(raw + "=" * (-len(raw) % 8)).hex()


def login(client: Client, user: User, *, verified: bool = True) -> Client:
    """Log in as after the password step, and, unless told otherwise, after the second factor."""
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol_totp(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def make_declaration(
    *,
    establishment: Establishment,
    by: User,
    full_name: str = "Nguyễn Văn An",
    kind: str = "citizen",
    room: str = "101",
    arrival=None,
    expected_departure=None,
    document_number: str | None = None,
    nationality: str | None = None,
):
    """File one guest through the filing service, as the desk would."""
    import uuid
    from datetime import date, timedelta

    from django.utils import timezone

    from guests import services

    n = next(_seq)
    arrival = arrival or timezone.now() - timedelta(hours=1)
    citizen = kind == "citizen"
    guest = {
        "full_name": full_name,
        "sex": "M",
        "birth_date": date(1990, 1, 1),
        "nationality": nationality or ("VN" if citizen else "FR"),
        "document_type": "citizen_id" if citizen else "passport",
        "document_number": document_number or (f"001090{n:06d}" if citizen else f"P{n:08d}"),
    }
    (declaration,) = services.file_declarations(
        establishment=establishment,
        filed_by=by,
        kind=kind,
        guests=[guest],
        stay={
            "room": room,
            "arrival": arrival,
            "expected_departure": expected_departure or arrival + timedelta(days=2),
        },
        submission_key=uuid.uuid4(),
    )
    return declaration


def make_notice(*, ward: Ward, author: User):
    """A notice from the ward's police to all its establishments."""
    from django.utils import timezone

    from wards.comm import services as comm

    return comm.publish_notice(
        ward=ward,
        author=author,
        category="advisory",
        title="Cảnh báo",
        body="Nội dung",
        establishments=None,
        at=timezone.now(),
    )


def make_feedback_thread(*, establishment: Establishment, by: User):
    """A question from an establishment to its ward."""
    from django.utils import timezone

    from wards.comm import services as comm

    return comm.open_feedback_thread(
        establishment=establishment,
        by=by,
        category="question",
        subject="Hỏi",
        body="Nội dung",
        at=timezone.now(),
    )
