"""Demo immigration: a sponsoring company and its account, a school waiting for approval, and
applications in every state — some for foreign guests staying at the demo hotel, some for the
company's staff — with their files, confirmations of residence and a rating.

Each application is walked through immigration.services.transition at the time it happened,
so its timeline, deadline and late mark are what a real one would carry."""

from __future__ import annotations

import hashlib
import io
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from fpdf import FPDF
from PIL import Image, ImageDraw

from establishments.models import Establishment
from guests.models import Declaration, DeclarationKind
from immigration import services, workdays
from immigration.listening import services as listening
from immigration.models import (
    Application,
    Attachment,
    AttachmentKind,
    ConfirmationStatus,
    Kind,
    PermitType,
    Purpose,
    Rating,
    ResidenceConfirmation,
    Sponsor,
    SponsorKind,
    SponsorStaff,
    SponsorStatus,
    State,
)
from immigration.residence.pdf import FAMILY, FONTS
from immigration.sweeps import sweep_overdue
from luutru.models import User, Ward

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class ImmigrationCounts:
    sponsors: int
    applications: int


def _working_days_ago(count: int, hour: int) -> datetime:
    """``count`` working days before today, at ``hour`` local time."""
    day = timezone.localdate()
    while count > 0:
        day -= timedelta(days=1)
        count -= workdays.is_working_day(day)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _scan(title: str, lines: list[str], size: tuple[int, int]) -> bytes:
    """A plain JPEG standing in for a scanned page or a photo."""
    image = Image.new("RGB", size, "#f4f1e8")
    draw = ImageDraw.Draw(image)
    draw.rectangle([8, 8, size[0] - 8, size[1] - 8], outline="#8a8a8a", width=3)
    draw.text((24, 24), title, fill="#1f2d3d")
    for n, line in enumerate(lines):
        draw.text((24, 60 + 22 * n), line, fill="#333333")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _letter(title: str, body: str) -> bytes:
    pdf = FPDF()
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font(FAMILY, size=14)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=11)
    pdf.multi_cell(0, 7, body)
    return bytes(pdf.output())


def _attach(application: Application, by: User, at: datetime) -> None:
    files = [
        (
            AttachmentKind.PASSPORT_PAGE,
            "passport.jpg",
            "image/jpeg",
            _scan(
                "PASSPORT",
                [application.full_name, application.nationality, application.passport_number],
                (640, 440),
            ),
        ),
        (
            AttachmentKind.PHOTO,
            "photo.jpg",
            "image/jpeg",
            _scan("PHOTO 4x6", [application.full_name], (300, 450)),
        ),
        (
            AttachmentKind.SUPPORTING,
            "letter.pdf",
            "application/pdf",
            _letter(
                "Letter of sponsorship",
                f"{application.sponsor_name} sponsors {application.full_name} "
                f"({application.get_purpose_display()}).",
            ),
        ),
    ]
    Attachment.objects.bulk_create(
        Attachment(
            application=application,
            kind=kind,
            name=name,
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            uploaded_by=by,
            uploaded_at=at,
        )
        for kind, name, content_type, content in files
    )


# (state, working days since submission, kind, purpose) of the lodging's and the company's.
LODGING_PLAN = [
    (State.DRAFT, 0, Kind.STAY_EXTENSION, Purpose.TOURISM),
    (State.SUBMITTED, 7, Kind.STAY_EXTENSION, Purpose.TOURISM),  # past its deadline
    (State.SUBMITTED, 1, Kind.VISA, Purpose.TOURISM),
    (State.INFO_REQUESTED, 3, Kind.STAY_EXTENSION, Purpose.FAMILY),
    (State.RESUBMITTED, 4, Kind.STAY_EXTENSION, Purpose.TOURISM),
]
COMPANY_PLAN = [
    ("DAVID MÜLLER", "M", "DEU", State.ACCEPTED, 3, Kind.RESIDENCE_CARD, Purpose.WORK_PERMIT),
    ("SOPHIE LAURENT", "F", "FRA", State.APPROVED, 6, Kind.RESIDENCE_CARD, Purpose.WORK_PERMIT),
    ("TANAKA HIROSHI", "M", "JPN", State.REFUSED, 5, Kind.VISA, Purpose.BUSINESS),
    ("EMMA JOHNSON", "F", "USA", State.WITHDRAWN, 2, Kind.STAY_EXTENSION, Purpose.WORK),
    ("PARK JI-HOON", "M", "KOR", State.SUBMITTED, 2, Kind.RESIDENCE_CARD, Purpose.WORK_PERMIT),
]


def _walk(
    application: Application,
    state: str,
    *,
    applicant: User,
    officer: User,
    submitted: datetime,
) -> None:
    """Take a submitted application on to ``state``, each step a little after the last."""
    step = submitted

    def later(hours: int) -> datetime:
        nonlocal step
        step = min(step + timedelta(hours=hours), timezone.now())
        return step

    appointment = timezone.make_aware(
        datetime.combine(workdays.add_working_days(timezone.localdate(), 2), time(9, 30))
    )
    if state == State.WITHDRAWN:
        services.transition(
            application, State.WITHDRAWN, actor=applicant, at=later(20),
            note="Người lao động đã chuyển công tác về nước.",
        )  # fmt: skip
        return
    if state in (State.INFO_REQUESTED, State.RESUBMITTED):
        request = "Đề nghị bổ sung hợp đồng thuê nhà hoặc xác nhận nơi ở."
        services.transition(
            application, State.INFO_REQUESTED, actor=officer, at=later(26),
            note=request, info_request=request,
        )  # fmt: skip
    if state == State.RESUBMITTED:
        services.transition(application, State.RESUBMITTED, actor=applicant, at=later(20))
    if state == State.REFUSED:
        services.transition(
            application, State.REFUSED, actor=officer, at=later(30),
            refusal_reason="Mục đích nhập cảnh không phù hợp với loại thị thực đề nghị.",
            note="Mục đích nhập cảnh không phù hợp với loại thị thực đề nghị.",
        )  # fmt: skip
    if state in (State.ACCEPTED, State.APPROVED):
        services.transition(
            application, State.ACCEPTED, actor=officer, at=later(24),
            appointment_at=appointment if state == State.ACCEPTED else later(2),
            note="Mời nộp hộ chiếu tại Phòng Quản lý xuất nhập cảnh.",
        )  # fmt: skip
    if state == State.APPROVED:
        services.transition(
            application, State.APPROVED, actor=officer, at=later(48), appointment_at=appointment,
            note="Mời nhận kết quả.",
        )  # fmt: skip


def _new_application(*, applicant: User, submitted: datetime, **fields) -> Application:
    created = submitted - timedelta(hours=3)
    return Application.objects.create(
        reference=services.new_reference(fields["province"].code),
        created_by=applicant,
        created_at=created,
        updated_at=created,
        **fields,
    )


def _confirm(application: Application, *, ward: Ward, applicant: User, officer: User) -> None:
    requested = application.submitted_at + timedelta(hours=1)
    ResidenceConfirmation.objects.create(
        application=application,
        ward=ward,
        status=ConfirmationStatus.CONFIRMED,
        requested_by=applicant,
        requested_at=requested,
        decided_by=officer,
        decided_at=requested + timedelta(hours=5),
        code="".join(secrets.choice(CODE_ALPHABET) for _i in range(12)),
        passport_tail=application.passport_number[-3:],
        valid_until=application.requested_until,
    )


def _survey(*, province, immigration: User, rng: random.Random) -> None:
    """The office's opinion survey, answered by a third of the lodgings so far."""
    sent = timezone.now() - timedelta(days=3)
    survey = listening.send_survey(
        author=immigration,
        title="Khai báo tạm trú cho người nước ngoài",
        question="Quý cơ sở đánh giá thế nào về việc gia hạn tạm trú trực tuyến cho khách?",
        closes_at=listening.closing_time(timezone.localdate() + timedelta(days=11)),
        at=sent,
        province=province,
    )
    comments = ["", "", "Tiện lợi, không phải lên phòng xuất nhập cảnh.", "Cần hướng dẫn rõ hơn."]
    lodgings = list(listening.recipients_of(survey).prefetch_related("staff__user"))
    for establishment in rng.sample(lodgings, len(lodgings) // 3):
        owner = next(s.user for s in establishment.staff.all() if s.user.role == "owner")
        listening.answer_survey(
            survey=survey,
            establishment=establishment,
            by=owner,
            score=rng.choice([3, 4, 4, 5, 5, 2]),
            comment=rng.choice(comments),
            at=sent + timedelta(hours=rng.randrange(1, 60)),
        )


def load_immigration(
    *,
    ward: Ward,
    hotel: Establishment,
    owner: User,
    officer: User,
    immigration: User,
    sponsor_user: User,
    rng: random.Random,
) -> ImmigrationCounts:
    province = ward.province
    now = timezone.now()
    company = Sponsor.objects.create(
        name="Công ty TNHH Phần mềm Sông Hồng",
        kind=SponsorKind.COMPANY,
        registration_number="0108765432",
        address="18 Lý Thường Kiệt, Phường Hoàn Kiếm",
        province=province,
        contact_name=sponsor_user.full_name,
        contact_phone="024 3936 1234",
        contact_email="nhansu@songhong.example.vn",
        status=SponsorStatus.ACTIVE,
        applied_at=now - timedelta(days=60),
        decided_at=now - timedelta(days=58),
        decided_by=immigration,
    )
    SponsorStaff.objects.create(user=sponsor_user, sponsor=company)
    Sponsor.objects.create(
        name="Trường Quốc tế Thăng Long",
        kind=SponsorKind.SCHOOL,
        registration_number="0105556677",
        address="5 Tràng Thi, Phường Hoàn Kiếm",
        province=province,
        contact_name="Phạm Thị Hoa",
        contact_phone="024 3825 9988",
        contact_email="tuyensinh@thanglong.example.vn",
        applied_at=now - timedelta(days=1),
    )

    today = timezone.localdate()
    guests = list(
        Declaration.objects.filter(
            establishment=hotel, kind=DeclarationKind.FOREIGNER, departed_at__isnull=True
        ).order_by("visa_expiry", "id")[: len(LODGING_PLAN)]
    )
    made: list[Application] = []
    for guest, (state, days_ago, kind, purpose) in zip(guests, LODGING_PLAN, strict=False):
        submitted = _working_days_ago(days_ago, 9 + rng.randrange(6))
        application = _new_application(
            applicant=owner,
            submitted=submitted,
            kind=kind,
            province=province,
            establishment=hotel,
            declaration=guest,
            full_name=guest.full_name,
            sex=guest.sex,
            birth_date=guest.birth_date,
            nationality=guest.nationality,
            passport_number=guest.document_number,
            passport_expiry=guest.document_expiry,
            permit_type=PermitType.VISA,
            permit_number=guest.visa_number,
            permit_expiry=guest.visa_expiry,
            entry_date=guest.entry_date,
            entry_port=guest.entry_port,
            occupation="Du khách",
            purpose=purpose,
            requested_from=(guest.visa_expiry or today) + timedelta(days=1),
            requested_until=(guest.visa_expiry or today) + timedelta(days=30),
            entries="single" if kind == Kind.VISA else "",
            address=f"{hotel.address}, phòng {guest.room}",
            ward=ward,
            sponsor_name=hotel.name,
            sponsor_address=hotel.address,
            sponsor_phone="024 3828 5566",
            signed_by=owner.full_name,
            signer_title="Chủ cơ sở lưu trú",
        )
        _attach(application, owner, submitted - timedelta(hours=2))
        if state != State.DRAFT:
            services.transition(application, State.SUBMITTED, actor=owner, at=submitted)
            _walk(application, state, applicant=owner, officer=immigration, submitted=submitted)
        made.append(application)

    for name, sex, nationality, state, days_ago, kind, purpose in COMPANY_PLAN:
        submitted = _working_days_ago(days_ago, 8 + rng.randrange(8))
        application = _new_application(
            applicant=sponsor_user,
            submitted=submitted,
            kind=kind,
            province=province,
            sponsor=company,
            full_name=name,
            sex=sex,
            birth_date=date(1978 + rng.randrange(20), 1 + rng.randrange(12), 1 + rng.randrange(28)),
            nationality=nationality,
            passport_number=f"{nationality[0]}{rng.randrange(10**8):08d}",
            passport_expiry=today + timedelta(days=900 + rng.randrange(900)),
            permit_type=PermitType.VISA,
            permit_number=f"LD{rng.randrange(10**7):07d}",
            permit_expiry=today + timedelta(days=10 + rng.randrange(20)),
            entry_date=today - timedelta(days=60 + rng.randrange(200)),
            entry_port=rng.choice(["Sân bay Nội Bài", "Sân bay Tân Sơn Nhất"]),
            occupation="Kỹ sư phần mềm",
            purpose=purpose,
            requested_from=today + timedelta(days=20),
            requested_until=today + timedelta(days=20 + 365 * 2),
            entries="multiple" if kind == Kind.VISA else "",
            work_permit_number=f"HN{rng.randrange(10**6):06d}"
            if purpose == Purpose.WORK_PERMIT
            else "",
            address=f"{rng.randrange(2, 90)} Hàng Bài, Phường Hoàn Kiếm",
            ward=ward,
            sponsor_name=company.name,
            sponsor_address=company.address,
            sponsor_phone=company.contact_phone,
            signed_by=sponsor_user.full_name,
            signer_title="Giám đốc nhân sự",
        )
        _attach(application, sponsor_user, submitted - timedelta(hours=2))
        services.transition(application, State.SUBMITTED, actor=sponsor_user, at=submitted)
        _walk(application, state, applicant=sponsor_user, officer=immigration, submitted=submitted)
        made.append(application)

    by_state = {application.state: application for application in made}
    for state in (State.ACCEPTED, State.APPROVED):
        if state in by_state:
            _confirm(by_state[state], ward=ward, applicant=sponsor_user, officer=officer)
    if State.RESUBMITTED in by_state:
        waiting = by_state[State.RESUBMITTED]
        ResidenceConfirmation.objects.create(
            application=waiting,
            ward=ward,
            requested_by=owner,
            requested_at=waiting.updated_at,
        )
    if State.APPROVED in by_state:
        approved = by_state[State.APPROVED]
        Rating.objects.create(
            application=approved,
            score=5,
            comment="Thủ tục nhanh, cán bộ hướng dẫn rõ ràng.",
            rated_by=sponsor_user,
            rated_at=approved.decided_at + timedelta(hours=3),
        )
    _survey(province=province, immigration=immigration, rng=rng)
    # The late one is found by the beat's sweep, as it would have been.
    sweep_overdue(now=now)
    return ImmigrationCounts(sponsors=2, applications=len(made))
