"""Every form of the project, posted (or queried, for the filters read from the query string)
with inputs hypothesis makes up, as the role the form is for: the answer is a page with the
errors, a 400, a redirect or a refusal, never a server error.

Each example starts from a valid submission and keeps, drops or spoils each field: random
text (control characters, NUL bytes, right-to-left marks, emoji), very long strings, numbers
at and past the limits of the database, dates out of range, several values for one field,
and fields nobody asked for. Every example runs in a savepoint that is rolled back, so one
does not change what the next one meets.
"""

from __future__ import annotations

import collections
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from guests.mrz import build_td3
from luutru.accounts import set_password_path
from tests import factories as f

from .conftest import ROLE_OF, page_urls
from .probe import EXAMPLES, FUZZ, isolated, management_input, scaled, send, stay_input

# --- the inputs -------------------------------------------------------------------------------

NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\t",
    "\x1b[31m",
    "\u202eevil",
    "\ufeff",
    "\u0000\u0001\u007f\u0085\u2028",
    "𝕏🏨👨‍👩‍👧",
    "Ǹ̸̢̛g̵u̷y̴ễ̶n̸",
    "' OR 1=1 --",
    "%s%n%x%d",
    "{{ 7|add:7 }}{% now 'Y' %}",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "../../../../etc/passwd",
    "None",
    "null",
    "[]",
]
NUMBERS = [
    "0",
    "-1",
    "1",
    "32767",
    "32768",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999999999999",
    "1e309",
    "NaN",
    "-inf",
    "1.5",
    "0x10",
    "²",
    "١٢",
    "１２",
]
DATES = [
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "10000-01-01",
    "2024-02-30",
    "01/01/0001",
    "31/12/9999",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "9999-12-31 23:59:59",
    "0001-01-01 00:00:00",
    "2026-13-40T25:61",
    "1970-01-01T00:00",
    "0001-1-1",
    "9999-12-31T00:00",
    "9999-12-30",
    "0001-01-02",
    "today",
]
DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
LONG = st.sampled_from([300, 2_001, 20_000, 200_000]).flatmap(
    lambda n: st.sampled_from(["A" * n, "9" * n, "é" * n, ("ab\x00" * n)[:n]])
)
SCALAR = st.one_of(
    TEXT,
    st.sampled_from(NASTY_TEXT),
    st.sampled_from(NUMBERS),
    st.sampled_from(DATES),
    LONG,
)
# A file where text is expected: it goes to request.FILES, and the field is missing.
UPLOAD = st.binary(max_size=30).map(lambda b: SimpleUploadedFile("x.txt", b))
VALUE = st.one_of(SCALAR, st.lists(SCALAR, min_size=2, max_size=3), UPLOAD)


@st.composite
def payloads(draw, base: dict[str, object], specials: dict[str, object]) -> dict[str, object]:
    """``base`` with each field kept, dropped or spoiled, and now and then a stray field."""
    data: dict[str, object] = {}
    for name, valid in base.items():
        how = draw(st.sampled_from(["keep", "keep", "spoil", "drop", "special"]))
        if how == "keep":
            data[name] = valid
        elif how == "spoil":
            data[name] = draw(VALUE)
        elif how == "special" and name in specials:
            special = specials[name]
            data[name] = draw(
                special if isinstance(special, st.SearchStrategy) else st.sampled_from(special)
            )
        elif how == "special" and isinstance(valid, str) and DATE_LIKE.match(valid):
            data[name] = draw(st.sampled_from(DATES))
        elif how == "special":
            data[name] = draw(SCALAR)
    if draw(st.booleans()):
        data[draw(st.sampled_from(["x", "id", "pk", "csrfmiddlewaretoken", "__all__"]))] = draw(
            VALUE
        )
    return data


# --- the forms --------------------------------------------------------------------------------


@dataclass
class Case:
    who: str
    method: str
    url: str
    base: dict[str, object]
    # Values worth trying for some fields: a list to pick from, or a strategy.
    specials: dict[str, object] = field(default_factory=dict)
    # The client of someone who has not passed the second factor (enrol and verify).
    client: Callable[[], Client] | None = None


MRZ = build_td3(
    surname="SMITH",
    given_names="JOHN",
    document_number="X1234567",
    nationality_code="GBR",
    birth_date=date(1980, 5, 6),
    sex="M",
    expiry_date=date(2031, 1, 1),
)
FOREIGNER = {
    "full_name": "SMITH John",
    "sex": "M",
    "birth_date": "1980-05-06",
    "nationality": "GB",
    "document_type": "passport",
    "document_number": "X1234567",
    "document_expiry": "2031-01-01",
    "visa_number": "V123",
    "visa_expiry": "2027-01-01",
    "entry_port": "Nội Bài",
    "entry_date": "2026-01-01",
}
CITIZEN = {
    "full_name": "Nguyễn Văn Bình",
    "sex": "M",
    "birth_date": "1990-01-01",
    "document_number": "001090012345",
    "reason": "Công tác",
}
# What a passport reader or a careless paste may type: MRZ characters, line breaks, spaces.
MRZ_TEXT = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<<\n "), max_size=100)
MRZ_VALUES = [MRZ, MRZ.replace("\n", ""), MRZ.lower(), MRZ[:50], MRZ + "\n" + MRZ, "<" * 300]
ACTIONS = ["file", "add", "mrz", "mrz-0", "mrz-1", "mrz--1", "mrz-²", "mrz-99999999999999999999"]
IDS = ["1", "0", "-1", "abc", "²", "9223372036854775808", "99999999999999999999", " 1"]
ROOMS = ["\x00", "2\x0001", "201 ", "%", "_", "201' --", "x" * 5000]
NEXT = ["/", "//evil.example", "https://evil.example/", "javascript:alert(1)", "/\x00", "\\\\x"]


IMMIGRATION_DRAFT = {
    "full_name": "SMITH John",
    "sex": "M",
    "birth_date": "1980-05-06",
    "nationality": "GB",
    "passport_number": "X1234567",
    "passport_expiry": "2031-01-01",
    "permit_type": "visa",
    "permit_number": "V123",
    "permit_expiry": "2027-01-01",
    "entry_date": "2026-01-01",
    "purpose": "DL",
    "requested_until": "2027-03-01",
    "address": "12 Hàng Bạc",
    "sponsor_phone": "+84 24 3826 0000",
}
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
# Files for the upload fields: junk, a real image under many names, a page after an image.
FILES = st.builds(
    SimpleUploadedFile,
    st.sampled_from(["a.jpg", "a.png", "a.pdf", "a", "a.html", "../../a.png", "\x00.png"]),
    st.one_of(
        st.binary(max_size=200),
        st.just(PNG_BYTES),
        st.binary(max_size=50).map(lambda tail: PNG_BYTES + tail),
        st.just(PNG_BYTES + b"<html><script>x</script>"),
        st.binary(max_size=100).map(lambda junk: b"%PDF-1.4\n" + junk),
    ),
)


def _totp_owing(user) -> Callable[[], Client]:
    """A client logged in with the password only."""

    def make() -> Client:
        return f.login(Client(), user, verified=False)

    return make


def _through_link(link: str) -> Callable[[], Client]:
    """An anonymous client that has opened a set-password link."""

    def make() -> Client:
        client = Client()
        assert client.get(link).status_code == 302
        return client

    return make


@pytest.fixture
def cases(world, establishment, ward, rita, alice, omar, cora, other_establishment, db):
    citizen, foreigner = world.citizen, world.foreigner
    enrolling = f.make_staff(establishment=establishment, username="enrolling")
    verifying = f.make_staff(establishment=establishment, username="verifying")
    verifying_device = f.enrol_totp(verifying)
    reset_url = set_password_path(f.make_staff(establishment=establishment, username="newbie"))
    today = timezone.localdate()
    immigration_draft = f.make_immigration_application(establishment=establishment, by=rita)
    period = {"date_from": (today - timedelta(days=7)).isoformat(), "date_to": today.isoformat()}
    foreigner_filing = {
        "action": "file",
        "submission_key": str(uuid.uuid4()),
        **stay_input(),
        **management_input(),
        "guest-0-mrz": "",
        **{f"guest-0-{name}": value for name, value in FOREIGNER.items()},
    }
    citizen_filing = {
        "action": "file",
        "submission_key": str(uuid.uuid4()),
        **stay_input(),
        **management_input(),
        **{f"guest-0-{name}": value for name, value in CITIZEN.items()},
    }
    application = {
        "submission": uuid.uuid4().hex,
        "name": "Khách sạn Sen",
        "kind": "hotel",
        "star_rating": "3",
        "address": "12 Hàng Bạc",
        "ward": str(ward.pk),
        "business_registration_number": "0101234567",
        "room_count": "24",
        "owner_name": "Nguyễn Thị Lan",
        "owner_phone": "+84 912 345 678",
        "owner_email": "lan@example.vn",
    }
    return {
        # --- public and account forms --------------------------------------------------------
        "login": Case(
            "anonymous", "POST", reverse("login"), {"username": "rita", "password": f.PASSWORD}
        ),
        "password reset": Case(
            "anonymous", "POST", reverse("password_reset"), {"email": "rita@example.vn"}
        ),
        "set password": Case(
            "anonymous",
            "POST",
            # Django moves the token from the link into the session, then shows the form here.
            reset_url.rsplit("/", 2)[0] + "/set-password/",
            {"new_password1": "a new pass phrase 1", "new_password2": "a new pass phrase 1"},
            client=_through_link(reset_url),
        ),
        "password change": Case(
            "rita",
            "POST",
            reverse("password_change"),
            {
                "old_password": f.PASSWORD,
                "new_password1": "another long passphrase",
                "new_password2": "another long passphrase",
            },
        ),
        "otp enrol": Case(
            "enrolling",
            "POST",
            reverse("otp_enrol"),
            {"token": "123456", "next": "/"},
            {"next": NEXT},
            client=_totp_owing(enrolling),
        ),
        "otp verify": Case(
            "verifying",
            "POST",
            reverse("otp_verify"),
            {"token": f.totp_code(verifying_device), "next": "/"},
            {"next": NEXT},
            client=_totp_owing(verifying),
        ),
        "backup codes": Case("rita", "POST", reverse("otp_backup_codes"), {}),
        "set language": Case(
            "anonymous",
            "POST",
            reverse("set_language"),
            {"language": "vi", "next": "/"},
            {"language": ["en", "vi", "xx", "en-us"], "next": NEXT},
        ),
        "application": Case(
            "anonymous",
            "POST",
            reverse("establishments:apply"),
            application,
            {"ward": IDS, "kind": ["hotel", "private_home", "x"], "star_rating": IDS},
        ),
        # --- the desk --------------------------------------------------------------------------
        "foreigner filing": Case(
            "rita",
            "POST",
            reverse("guests:file_foreigner"),
            foreigner_filing,
            {
                "action": ACTIONS,
                "guest-0-mrz": MRZ_VALUES,
                "guest-TOTAL_FORMS": ["0", "2", "21", "1000", "-1", "²", "99999999999999999999"],
                "guest-0-nationality": ["XXA", "VN", "D", "", "ZZ"],
                "guest-0-document_type": ["other", "citizen_id", "x"],
            },
        ),
        "MRZ box": Case(
            "rita",
            "POST",
            reverse("guests:file_foreigner"),
            {**foreigner_filing, "action": "mrz-0", "guest-0-mrz": MRZ},
            {
                "guest-0-mrz": st.one_of(
                    MRZ_TEXT,
                    st.sampled_from(MRZ_VALUES),
                    st.integers(0, 87).map(lambda i: MRZ[:i] + "X" + MRZ[i + 1 :]),
                ),
                "action": ["mrz-0", "mrz-1", "mrz-"],
            },
        ),
        "group filing": Case(
            "rita",
            "POST",
            reverse("guests:file_citizen"),
            {
                **citizen_filing,
                **management_input(count=3),
                **{f"guest-1-{name}": value for name, value in CITIZEN.items()},
                "guest-1-document_number": "001090054321",
                **{f"guest-2-{name}": value for name, value in CITIZEN.items()},
                "guest-2-document_number": "001090067890",
            },
            {"action": ["file", "add"], "guest-TOTAL_FORMS": ["2", "3", "4", "20", "21"]},
        ),
        "citizen filing": Case(
            "rita",
            "POST",
            reverse("guests:file_citizen"),
            citizen_filing,
            {
                "action": ACTIONS,
                "guest-TOTAL_FORMS": ["0", "2", "21", "1000", "-1", "²"],
                "guest-0-document_number": ["000000000000", "096599999999", "001590012345"],
            },
        ),
        "foreigner correction": Case(
            "rita",
            "POST",
            reverse("guests:correct", args=[foreigner.pk]),
            {"action": "correct", "mrz": "", **FOREIGNER, **stay_input()},
            {"action": ["correct", "mrz", "x"], "mrz": MRZ_VALUES},
        ),
        "citizen correction": Case(
            "rita",
            "POST",
            reverse("guests:correct", args=[citizen.pk]),
            # The number of the world's citizen is a woman's (its fourth digit is odd).
            {"action": "correct", **CITIZEN, "sex": "F", "document_number": "001190054321"}
            | stay_input(),
        ),
        "check-out": Case(
            "rita",
            "POST",
            reverse("guests:check_out"),
            {"declaration": [str(citizen.pk), str(foreigner.pk)]},
            {"declaration": IDS},
        ),
        "check-out of a room": Case(
            "rita", "POST", reverse("guests:check_out"), {"room": "201"}, {"room": ROOMS}
        ),
        "current guests": Case(
            "rita",
            "GET",
            reverse("guests:desk"),
            {"room": "201", "page": "1"},
            {"room": ROOMS, "page": NUMBERS},
        ),
        "register day": Case("rita", "GET", reverse("guests:register"), {"day": today.isoformat()}),
        "register closing": Case(
            "rita",
            "POST",
            reverse("guests:register_close"),
            {"day": (today - timedelta(days=1)).isoformat()},
        ),
        "feedback": Case(
            "rita",
            "POST",
            reverse("wards:feedback_new"),
            {"category": "question", "subject": "Hỏi", "body": "Nội dung"},
        ),
        "feedback reply (desk)": Case(
            "rita",
            "POST",
            reverse("wards:my_feedback_thread", args=[world.thread.pk]),
            {"body": "Trả lời"},
        ),
        "notices of the desk": Case(
            "rita", "GET", reverse("wards:my_notices"), {"page": "1"}, {"page": NUMBERS}
        ),
        # --- the owner -------------------------------------------------------------------------
        "audit filters": Case(
            "alice",
            "GET",
            reverse("guests:audit"),
            {
                "staff": str(rita.pk),
                **period,
                "kind": "citizen",
                "status": "pending",
                "late": "no",
                "sort": "-filed",
                "page": "1",
            },
            {"staff": IDS, "sort": ["name", "-room", "--filed", "filed;drop", ""], "page": NUMBERS},
        ),
        "audit summary": Case("alice", "GET", reverse("guests:audit_summary"), dict(period)),
        "audit export": Case(
            "alice",
            "GET",
            reverse("guests:audit_export"),
            {"staff": str(rita.pk), **period, "late": "yes", "sort": "name"},
            {"staff": IDS},
        ),
        "staff account": Case(
            "alice",
            "POST",
            reverse("establishments:staff_add"),
            {"full_name": "Lê Văn Tâm", "username": "tam", "email": "tam@example.vn"},
            {"username": ["70-1-desk", "RITA", "a b", "tâm", "x" * 151]},
        ),
        "staff password reset": Case(
            "alice",
            "POST",
            reverse("establishments:staff_reset_password", args=[world.spare_staff_pk]),
            {"email": "x@example.vn", "user": str(alice.pk)},
        ),
        "staff two-factor": Case(
            "alice",
            "POST",
            reverse("establishments:staff_two_factor"),
            {"receptionist_2fa_required": "on"},
        ),
        "flag resolution (owner)": Case(
            "alice",
            "POST",
            reverse("wards:resolve_flag", args=[world.flag.pk]),
            {"resolution": "Đã đóng sổ", "next": "/"},
            {"next": NEXT},
        ),
        # --- the police ------------------------------------------------------------------------
        "refusal": Case(
            "omar",
            "POST",
            reverse("establishments:refuse", args=[world.application_pk]),
            {"reason": "Sai địa chỉ"},
        ),
        "inbox filters": Case(
            "omar",
            "GET",
            reverse("wards:inbox"),
            {
                "establishment": str(establishment.pk),
                "kind": "citizen",
                "scope": "ward",
                "after": "0.1700000000000000.5",
            },
            {
                "establishment": [*IDS, str(other_establishment.pk)],
                "after": ["1.-9999999999999999.1", "0.0.99999999999999999999", "1.2", "1.1.1.1"],
            },
        ),
        "confirm a selection": Case(
            "omar",
            "POST",
            reverse("wards:inbox_confirm"),
            {"ids": [str(citizen.pk), str(foreigner.pk)], "next": "/wards/inbox/"},
            {"ids": IDS, "next": NEXT},
        ),
        "confirm": Case(
            "omar",
            "POST",
            reverse("wards:declaration_confirm", args=[citizen.pk]),
            {"version": "1", "next": "/wards/inbox/"},
            {"version": NUMBERS, "next": NEXT},
        ),
        "return": Case(
            "omar",
            "POST",
            reverse("wards:declaration_return", args=[citizen.pk]),
            {"reason": "Sai số giấy tờ", "version": "1"},
            {"version": NUMBERS},
        ),
        "search": Case(
            "omar",
            "POST",
            reverse("wards:search"),
            {"q": "Quach Zyxwvu"},
            {"q": ["001190054321", "ZQ7654321", "%", "_", "\\", "a%_\\", "ab", "*" * 100]},
        ),
        "flags filter": Case("omar", "GET", reverse("wards:flags"), {"kind": "missing"}),
        "flag resolution (police)": Case(
            "omar",
            "POST",
            reverse("wards:resolve_flag", args=[world.flag.pk]),
            {"resolution": "Đã nhắc", "next": "/wards/flags/"},
            {"next": NEXT},
        ),
        "board": Case(
            "omar",
            "GET",
            reverse("wards:board"),
            {"day": today.isoformat(), "sort": "-late"},
            {"sort": ["name", "-flags", "--late", "x"]},
        ),
        "inspection": Case(
            "omar",
            "POST",
            reverse("wards:inspection_new", args=[establishment.pk]),
            {"date": today.isoformat(), "findings": "Sổ sách đầy đủ"},
        ),
        "notice": Case(
            "omar",
            "POST",
            reverse("wards:notice_new"),
            {
                "category": "advisory",
                "title": "Thông báo",
                "body": "Nội dung",
                "audience": "chosen",
                "establishments": [str(establishment.pk)],
            },
            {"establishments": [*IDS, str(other_establishment.pk)]},
        ),
        "feedback reply (police)": Case(
            "omar",
            "POST",
            reverse("wards:feedback_thread", args=[world.thread.pk]),
            {"body": "Đã nhận"},
        ),
        "notifications read": Case(
            "omar", "POST", reverse("wards:notifications_read"), {"pk": "1"}, {"pk": IDS}
        ),
        "police lists": Case(
            "omar", "GET", reverse("wards:feedback"), {"page": "2"}, {"page": NUMBERS}
        ),
        # --- the commander ---------------------------------------------------------------------
        "ward settings": Case("cora", "POST", reverse("wards:settings"), {"remote": "on"}),
        "new beat": Case("cora", "POST", reverse("wards:beats"), {"name": "Khu vực 2"}),
        "beat assignment": Case(
            "cora",
            "POST",
            reverse("wards:beat_assign", args=[world.beat.pk]),
            {"establishments": [str(establishment.pk)], "officers": [str(omar.officer.pk)]},
            {"establishments": [*IDS, str(other_establishment.pk)], "officers": IDS},
        ),
        "access log filters": Case(
            "cora",
            "GET",
            reverse("wards:access_log"),
            {"officer": str(omar.pk), "action": "search", "after": "1700000000000000.1"},
            {"officer": IDS, "after": ["-99999999999999999999.1", "1.99999999999999999999"]},
        ),
        "statistics": Case(
            "cora",
            "GET",
            reverse("wards:stats"),
            {**period, "sort": "-guests"},
            {"sort": ["name", "-late_percent", "x", "--guests"]},
        ),
        "statistics export": Case(
            "cora",
            "GET",
            reverse("wards:stats_export"),
            {**period, "table": "establishments", "sort": "name"},
            {"table": ["days", "establishments", "x"]},
        ),
        # --- immigration: ratings and surveys (immigration.listening) ---------------------------
        "survey": Case(
            "cora",
            "POST",
            reverse("immigration:survey_new"),
            {
                "title": "Khảo sát",
                "question": "Quý cơ sở thấy thế nào?",
                "open_until": (today + timedelta(days=7)).isoformat(),
            },
            {"open_until": DATES},
        ),
        "survey answer": Case(
            "alice",
            "POST",
            reverse("immigration:survey_answer", args=[world.survey_pk]),
            {"score": "4", "comment": "Tốt"},
            {"score": NUMBERS},
        ),
        "rating": Case(
            "alice",
            "POST",
            reverse(
                "immigration:rate",
                args=[
                    f.make_immigration_application(
                        establishment=establishment, by=alice, state="approved"
                    ).pk
                ],
            ),
            {"rating-score": "5", "rating-comment": "Nhanh"},
            {"rating-score": NUMBERS},
        ),
        # --- immigration applicants ------------------------------------------------------------
        "immigration application start": Case(
            "rita",
            "POST",
            reverse("immigration:new") + f"?kind=visa&declaration={foreigner.pk}",
            {"kind": "stay_extension", "declaration": str(foreigner.pk)},
            {"kind": ["visa", "x", ""], "declaration": [*IDS, str(citizen.pk)]},
        ),
        "immigration draft": Case(
            "rita",
            "POST",
            reverse("immigration:edit", args=[immigration_draft.pk]),
            {
                "action": "submit",
                **IMMIGRATION_DRAFT,
                "ward": str(ward.pk),
                "passport_page": SimpleUploadedFile("p.jpg", PNG_BYTES),
            },
            {
                "action": ["save", "submit", "x"],
                "ward": IDS,
                "passport_page": FILES,
                "photo": FILES,
                "supporting": FILES,
                "nationality": ["GB", "gbr", "XXA", "ZZ", "VN"],
            },
        ),
        "immigration withdrawal": Case(
            "rita",
            "POST",
            reverse("immigration:withdraw", args=[world.immigration_application_pk]),
            {"confirm": "on"},
        ),
        # --- immigration: sponsors and the confirmation of residence ---------------------------
        "sponsor registration": Case(
            "anonymous",
            "POST",
            reverse("immigration:sponsor_apply"),
            {
                "submission": uuid.uuid4().hex,
                "name": "Công ty Bình Minh",
                "kind": "company",
                "registration_number": "0101234567",
                "address": "5 Trần Phú",
                "province": str(ward.province.pk),
                "contact_name": "Lê Thị Hoa",
                "contact_phone": "024 3825 1234",
                "contact_email": "hoa@example.vn",
            },
            {"province": IDS, "kind": ["company", "school", "x"], "submission": IDS},
        ),
        "sponsor refusal": Case(
            "ivan",
            "POST",
            reverse("immigration:sponsor_refuse", args=[world.sponsor_pk]),
            {"reason": "Mã số thuế không khớp"},
        ),
        "confirmation request": Case(
            "rita",
            "POST",
            reverse("immigration:confirmation_request", args=[world.immigration_application_pk]),
            {"next": "/immigration/"},
            {"next": NEXT},
        ),
        "residence refusal": Case(
            "omar",
            "POST",
            reverse("immigration:confirmation_refuse", args=[world.confirmation_pk]),
            {"reason": "Không có người ở"},
        ),
        "residence check": Case(
            "anonymous",
            "GET",
            reverse("immigration:verify"),
            {"code": "ABCD-EFGH-JKLM"},
        ),
        # --- the immigration office (immigration.office) -----------------------------------
        **office_cases(world, period),
    }


def office_cases(world, period: dict[str, str]) -> dict[str, Case]:
    from immigration import workdays

    pk = world.immigration_application_pk
    day = workdays.add_working_days(timezone.localdate(), 2)
    when = f"{day:%Y-%m-%d}T09:30"
    moments = [when, "2026-02-30T09:00", "9999-12-31T23:59", "0001-01-01T00:00", "x", ""]
    states = ["submitted", "accepted", "draft", "x", ""]
    return {
        "office queue filters": Case(
            "ivan",
            "GET",
            reverse("immigration:queue"),
            {"kind": "visa", "state": "submitted", "late": "on", "after": "x_1"},
            {"after": ["2026-01-01T00:00:00+07:00_1", "2026-01-01T00:00:00_1", "_", "x_9" * 9]},
        ),
        "office information request": Case(
            "ivan",
            "POST",
            reverse("immigration:office_request_info", args=[pk]),
            {"info_form-seen_state": "submitted", "info_form-text": "Ảnh chân dung rõ hơn."},
            {"info_form-seen_state": states},
        ),
        "office acceptance": Case(
            "ivan",
            "POST",
            reverse("immigration:office_accept", args=[pk]),
            {"accept_form-seen_state": "submitted", "accept_form-appointment_at": when},
            {"accept_form-appointment_at": moments, "accept_form-seen_state": states},
        ),
        "office approval": Case(
            "ivan",
            "POST",
            reverse("immigration:office_approve", args=[pk]),
            {"approve_form-seen_state": "accepted", "approve_form-appointment_at": when},
            {"approve_form-appointment_at": moments, "approve_form-seen_state": states},
        ),
        "office refusal": Case(
            "ivan",
            "POST",
            reverse("immigration:office_refuse", args=[pk]),
            {"refuse_form-seen_state": "submitted", "refuse_form-reason": "Hồ sơ không hợp lệ."},
            {"refuse_form-seen_state": states},
        ),
        "office statistics": Case("ivan", "GET", reverse("immigration:office_stats"), period),
        "office statistics export": Case(
            "ivan",
            "GET",
            reverse("immigration:office_stats_export"),
            {**period, "table": "applications"},
            {"table": ["kinds", "nationalities", "applications", "x"]},
        ),
    }


FORMS = [
    "login",
    "password reset",
    "set password",
    "password change",
    "otp enrol",
    "otp verify",
    "backup codes",
    "set language",
    "application",
    "foreigner filing",
    "MRZ box",
    "group filing",
    "citizen filing",
    "foreigner correction",
    "citizen correction",
    "check-out",
    "check-out of a room",
    "current guests",
    "register day",
    "register closing",
    "feedback",
    "feedback reply (desk)",
    "notices of the desk",
    "audit filters",
    "audit summary",
    "audit export",
    "staff account",
    "staff password reset",
    "staff two-factor",
    "flag resolution (owner)",
    "refusal",
    "inbox filters",
    "confirm a selection",
    "confirm",
    "return",
    "search",
    "flags filter",
    "flag resolution (police)",
    "board",
    "inspection",
    "notice",
    "feedback reply (police)",
    "notifications read",
    "police lists",
    "ward settings",
    "new beat",
    "beat assignment",
    "access log filters",
    "statistics",
    "statistics export",
    "survey",
    "survey answer",
    "rating",
    "immigration application start",
    "immigration draft",
    "immigration withdrawal",
    "sponsor registration",
    "sponsor refusal",
    "confirmation request",
    "residence refusal",
    "residence check",
    "office queue filters",
    "office information request",
    "office acceptance",
    "office approval",
    "office refusal",
    "office statistics",
    "office statistics export",
]

# The filing forms have the most fields and rules: they get more examples.
MORE_EXAMPLES = {
    name: 2 * EXAMPLES for name in ("foreigner filing", "citizen filing", "foreigner correction")
}


REQUESTS: collections.Counter[str] = collections.Counter()


@pytest.fixture(scope="module", autouse=True)
def report_requests(request):
    """Print how many inputs each form got, past pytest's output capture."""
    yield
    if not REQUESTS:
        return
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(
            f"\nform fuzzing: {len(REQUESTS)} forms, {sum(REQUESTS.values())} requests "
            f"({', '.join(f'{name}: {count}' for name, count in REQUESTS.items())})"
        )
    REQUESTS.clear()


def test_every_form_is_fuzzed(cases):
    assert sorted(cases) == sorted(FORMS)
    assert {name for name, case in cases.items() if case.method == "GET"} == GET_FORMS


@pytest.mark.parametrize("name", FORMS)
def test_no_input_makes_a_server_error(name, cases, clients):
    case: Case = cases[name]
    client = case.client() if case.client else clients[case.who]
    # The valid submission goes through (or is refused for a reason): the fuzzing starts from
    # a form that works, so that it reaches the rules behind the first field checks.
    with isolated(client):
        valid = send(client, case.method, case.url, case.base)
    assert valid.status_code not in (403, 404), f"{name}: the valid submission got {valid}"

    @settings(FUZZ, max_examples=MORE_EXAMPLES.get(name, EXAMPLES))
    @given(data=payloads(case.base, case.specials))
    def fuzz(data):
        REQUESTS[name] += 1
        with isolated(client):
            send(client, case.method, case.url, data)

    fuzz()


BODIES = [
    ("application/json", b'{"full_name": "<script>", "room": ["1", 2], "x": null}'),
    ("text/plain", b"\xff\xfe\x00garbage"),
    ("application/x-www-form-urlencoded", b"a=%ZZ&%FF=1&full_name=%00&room=%E2%80&&=&"),
    ("multipart/form-data; boundary=xyz", b"--xyz\r\nnot a part\r\n--xyz--"),
    ("multipart/form-data", b"no boundary"),
]


# The filters read from the query string.
GET_FORMS = {
    "current guests",
    "register day",
    "notices of the desk",
    "audit filters",
    "audit summary",
    "audit export",
    "inbox filters",
    "flags filter",
    "board",
    "police lists",
    "access log filters",
    "statistics",
    "statistics export",
    "residence check",
    "office queue filters",
    "office statistics",
    "office statistics export",
}


@pytest.mark.parametrize("name", [n for n in FORMS if n not in GET_FORMS])
def test_bodies_of_the_wrong_type_are_no_server_error(name, cases, clients):
    case: Case = cases[name]
    client = case.client() if case.client else clients[case.who]
    for content_type, body in BODIES:
        with isolated(client):
            try:
                response = client.post(case.url, body, content_type=content_type)
            except Exception as e:  # noqa: BLE001 - any exception of the view is the finding
                raise AssertionError(f"{case.url} with {content_type} {body!r}: {e!r}") from e
            assert response.status_code < 500, (case.url, content_type, body)


QUERY_NAMES = ["page", "sort", "after", "day", "room", "kind", "scope", "table", "status", "q"]
QUERY_NAMES += ["date_from", "date_to", "staff", "late", "establishment", "officer", "action"]
QUERY_NAMES += ["next", "language", "full_name"]


def test_every_page_of_every_role_takes_any_query_string(clients, world, establishment):
    """The filters and paginators of pages not listed above read the query string too."""
    pages = [(who, url) for who in ROLE_OF for _name, url in page_urls(who, world, establishment)]
    nasty = {name: "\x00²" + "9" * 30 for name in QUERY_NAMES}

    @settings(FUZZ, max_examples=len(pages) * scaled(2))
    @given(
        page=st.sampled_from(pages),
        query=st.dictionaries(
            st.sampled_from(QUERY_NAMES),
            VALUE.filter(lambda v: not isinstance(v, SimpleUploadedFile)),
            max_size=4,
        ),
    )
    def fuzz(page, query):
        who, url = page
        with isolated(clients[who]):
            send(clients[who], "GET", url, query)

    for who, url in pages:
        with isolated(clients[who]):
            send(clients[who], "GET", url, nasty)
    fuzz()
