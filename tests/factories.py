"""Plain helpers that make rows for tests."""

from __future__ import annotations

import itertools

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from establishments.models import Establishment, Kind, Staff, Status
from immigration import services as immigration_services
from immigration.models import Application as ImmigrationApplication
from immigration.models import Kind as ApplicationKind
from immigration.models import (
    PermitType,
    Purpose,
    Sponsor,
    SponsorKind,
    SponsorStaff,
    SponsorStatus,
    State,
)
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


def make_sponsor(*, province: Province, status: str = SponsorStatus.ACTIVE, **fields) -> Sponsor:
    n = next(_seq)
    fields.setdefault("name", f"Công ty TNHH Sao Mai {n}")
    fields.setdefault("kind", SponsorKind.COMPANY)
    fields.setdefault("registration_number", f"0109{n:06d}")
    fields.setdefault("address", "25 Lý Thường Kiệt, Hoàn Kiếm")
    fields.setdefault("contact_name", "Trần Văn Minh")
    fields.setdefault("contact_phone", "+84 24 3825 0000")
    fields.setdefault("contact_email", f"hr{n}@saomai.example.vn")
    return Sponsor.objects.create(
        province=province, status=status, applied_at=timezone.now(), **fields
    )


def make_sponsor_account(*, sponsor: Sponsor, **fields) -> User:
    user = make_user(role=Role.SPONSOR, **fields)
    SponsorStaff.objects.create(user=user, sponsor=sponsor)
    return user


# What a complete application holds: submission checks each of these.
APPLICATION_FIELDS = {
    "full_name": "John Michael Smith",
    "sex": "M",
    "nationality": "GBR",
    "passport_number": "123456789",
    "occupation": "Engineer",
    "permit_type": PermitType.VISA,
    "permit_number": "AB1234567",
    "entry_port": "Nội Bài",
    "purpose": Purpose.TOURISM,
    "address": "12 Hàng Bạc, Hoàn Kiếm",
    "sponsor_name": "Khách sạn Sen",
    "sponsor_address": "12 Hàng Bạc, Hoàn Kiếm",
    "sponsor_phone": "+84 24 3826 0000",
    "signed_by": "Nguyễn Thị Lan",
}


def make_immigration_application(
    *,
    establishment: Establishment | None = None,
    sponsor: Sponsor | None = None,
    by: User,
    kind: str = ApplicationKind.STAY_EXTENSION,
    state: str = State.DRAFT,
    **fields,
) -> ImmigrationApplication:
    """An application of ``establishment`` or ``sponsor``, complete, moved to ``state`` along
    the transitions a real one takes (submitted first, then on)."""
    from datetime import date, timedelta

    today = timezone.localdate()
    ward = establishment.ward if establishment else fields.pop("ward", None)
    province = establishment.ward.province if establishment else sponsor.province
    values = {
        **APPLICATION_FIELDS,
        "birth_date": date(1985, 3, 14),
        "passport_expiry": today + timedelta(days=900),
        "permit_expiry": today + timedelta(days=5),
        "entry_date": today - timedelta(days=20),
        "requested_from": today + timedelta(days=5),
        "requested_until": today + timedelta(days=60),
        **fields,
    }
    now = timezone.now()
    application = ImmigrationApplication.objects.create(
        reference=immigration_services.new_reference(province.code),
        kind=kind,
        province=province,
        establishment=establishment,
        sponsor=sponsor,
        ward=ward,
        created_by=by,
        created_at=now,
        updated_at=now,
        **values,
    )
    path = {
        State.DRAFT: [],
        State.SUBMITTED: [State.SUBMITTED],
        State.INFO_REQUESTED: [State.SUBMITTED, State.INFO_REQUESTED],
        State.RESUBMITTED: [State.SUBMITTED, State.INFO_REQUESTED, State.RESUBMITTED],
        State.ACCEPTED: [State.SUBMITTED, State.ACCEPTED],
        State.APPROVED: [State.SUBMITTED, State.ACCEPTED, State.APPROVED],
        State.REFUSED: [State.SUBMITTED, State.REFUSED],
        State.WITHDRAWN: [State.WITHDRAWN],
    }[state]
    for step in path:
        extra = {"refusal_reason": "Hồ sơ không hợp lệ."} if step == State.REFUSED else {}
        immigration_services.transition(application, step, actor=by, **extra)
    return application


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


# --- immigration: visa warnings and listening (immigration.warnings, immigration.listening) -----


def make_foreign_guest(
    *,
    establishment: Establishment,
    by: User,
    visa_expiry,
    days_to_departure: int = 2,
    **fields,
):
    """A staying foreign guest with a visa ending on ``visa_expiry``, leaving in
    ``days_to_departure`` days."""
    from datetime import timedelta

    from django.utils import timezone

    from guests.models import Declaration

    arrival = timezone.now() - timedelta(hours=1)
    declaration = make_declaration(
        establishment=establishment,
        by=by,
        kind="foreigner",
        arrival=arrival,
        expected_departure=arrival + timedelta(days=days_to_departure),
        **fields,
    )
    Declaration.objects.filter(pk=declaration.pk).update(visa_expiry=visa_expiry)
    declaration.visa_expiry = visa_expiry
    return declaration


def make_survey(
    *,
    author: User,
    ward: Ward | None = None,
    province: Province | None = None,
    title: str = "Thủ tục khai báo tạm trú",
    question: str = "Quý cơ sở đánh giá thế nào về thủ tục khai báo tạm trú trực tuyến?",
    days_open: int = 14,
):
    """An opinion survey of a ward (or a province), sent as its author would."""
    from datetime import timedelta

    from immigration.listening import services as listening

    return listening.send_survey(
        author=author,
        title=title,
        question=question,
        closes_at=listening.closing_time(timezone.localdate() + timedelta(days=days_open)),
        at=timezone.now(),
        ward=ward,
        province=province,
    )


def make_immigration_attachment(*, application, by: User, kind: str = "passport_page"):
    """A small JPEG stored on ``application`` as the upload check would store it."""
    import hashlib
    import io

    from PIL import Image

    from immigration.models import Attachment

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="JPEG")
    content = out.getvalue()
    return Attachment.objects.create(
        application=application,
        kind=kind,
        name=f"{kind}.jpg",
        content_type="image/jpeg",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )


# --- the confirmation of residence (immigration.residence) ---------------------------------------


def make_residence_confirmation(*, application: ImmigrationApplication, by: User, **fields):
    """An open request of the application's applicant to the police of its address's ward."""
    from immigration.models import ResidenceConfirmation

    fields.setdefault("requested_at", timezone.now())
    return ResidenceConfirmation.objects.create(
        application=application, ward=application.ward, requested_by=by, **fields
    )


# --- the immigration office (immigration.office) -------------------------------------------


def make_other_province(*, code: int = 46, name: str = "Thành phố Huế") -> Province:
    """A province other than Hà Nội: its office sees none of Hà Nội's applications."""
    province, _ = Province.objects.get_or_create(
        code=code,
        defaults={"name": name, "division_type": "thành phố trung ương", "codename": f"p{code}"},
    )
    return province
