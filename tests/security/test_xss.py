"""Markup typed into any text field comes back as text, never as markup.

Every field a user can type into is filled, through the real forms, with a payload that closes
an attribute and opens a script and an image with an event handler, each payload tagged with
the field's name. Then every page that shows these fields is read, as each role that sees it:
no page holds the raw markup, and each payload is found escaped on some page (so the field is
shown, not silently dropped). The CSV exports carry it as inert text, the e-mails are plain
text only.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from establishments.models import Application, Establishment, Staff
from guests.models import Declaration
from luutru.models import Role
from tests import factories as f
from wards.models import Flag

from .probe import filing_input, send

RAW = re.compile(r"<script>alert\(1\)</script>|<img src=x onerror|<i>(room|visa)</i>", re.I)


def payload(tag: str) -> str:
    return f"<script>alert(1)</script>\"'><img src=x onerror=alert(1)>{tag}"


# Fields of at most 20 characters (the visa number is also put in capitals).
ROOM = "<i>room</i>\"'"
VISA = "<I>VISA</I>\"'"

FIELDS = [
    "establishment name",
    "establishment address",
    "owner name",
    "refusal reason",
    "entry port",
    "citizen name",
    "reason for stay",
    "corrected name",
    "staff name",
    "feedback subject",
    "feedback message",
    "feedback reply",
    "notice title",
    "notice text",
    "return reason",
    "inspection findings",
    "flag resolution",
    "beat name",
    "search terms",
]


@dataclass
class Scene:
    establishment: Establishment
    owner: Client
    desk: Client
    omar: Client
    cora: Client
    foreigner: Declaration
    citizen: Declaration
    pages: dict[str, list[str]]


def application_input(ward, tag: str, email: str) -> dict[str, str]:
    return {
        "name": payload(f"establishment {tag}"),
        "kind": "hotel",
        "star_rating": "3",
        "address": payload(f"establishment {tag.replace('name', 'address')}"),
        "ward": str(ward.pk),
        "business_registration_number": "0101234567",
        "room_count": "10",
        "owner_name": payload("owner name") if tag == "name" else "Trần Văn Minh",
        "owner_phone": "0912345678",
        "owner_email": email,
    }


def posted(client: Client, url: str, data: dict) -> None:
    response = send(client, "POST", url, data)
    assert response.status_code == 302, f"{url}: {response.status_code} {data}"


@pytest.fixture
def scene(ward, omar, cora, db) -> Scene:
    anonymous, officer, commander = Client(), f.login(Client(), omar), f.login(Client(), cora)
    # An applicant registers an establishment; the ward approves it; another is refused.
    posted(anonymous, reverse("establishments:apply"), application_input(ward, "name", "a@x.vn"))
    posted(
        Client(), reverse("establishments:apply"), application_input(ward, "other name", "b@x.vn")
    )
    first, second = Application.objects.order_by("pk")
    posted(officer, reverse("establishments:approve", args=[first.pk]), {"confirmed": "yes"})
    posted(
        officer,
        reverse("establishments:refuse", args=[second.pk]),
        {"reason": payload("refusal reason")},
    )
    establishment = Establishment.objects.get(application=first)
    staff = {s.user.role: s.user for s in Staff.objects.filter(establishment=establishment)}
    owner = f.login(Client(), staff[Role.OWNER])
    desk = f.login(Client(), staff[Role.RECEPTIONIST])

    # The desk files a foreigner, late (a flag), and a citizen; the owner opens an account.
    foreigner = {
        "mrz": "",
        # The desk refuses markup in names and rooms (what cannot be a name); the payloads of
        # those fields are written below as an older row or an import might hold them.
        "full_name": "Anna Schmidt",
        "sex": "F",
        "birth_date": "1985-02-03",
        "nationality": "DE",
        "document_type": "passport",
        "document_number": "C01X00T47",
        "document_expiry": "2031-01-01",
        "visa_number": VISA,
        "visa_expiry": "2030-01-01",
        "entry_port": payload("entry port"),
        "entry_date": "2026-01-01",
    }
    posted(
        desk,
        reverse("guests:file_foreigner"),
        filing_input(foreigner, room="101", arrived_hours_ago=30),
    )
    citizen = {
        "full_name": "Nguyễn Văn An",
        "sex": "M",
        "birth_date": "1990-01-01",
        "document_number": "001090012345",
        "reason": payload("reason for stay"),
    }
    posted(desk, reverse("guests:file_citizen"), filing_input(citizen, room="102"))
    filed_foreigner = Declaration.objects.get(establishment=establishment, kind="foreigner")
    filed_citizen = Declaration.objects.get(establishment=establishment, kind="citizen")
    Declaration.objects.filter(pk=filed_citizen.pk).update(
        full_name=payload("citizen name"), room=ROOM
    )
    posted(
        owner,
        reverse("establishments:staff_add"),
        {"full_name": payload("staff name"), "username": "xss-desk", "email": ""},
    )
    posted(
        desk,
        reverse("wards:feedback_new"),
        {
            "category": "suspicious_guest",
            "subject": payload("feedback subject"),
            "body": payload("feedback message"),
        },
    )
    thread = establishment.feedback.get()

    # The police answer, publish a notice, return the citizen, record an inspection.
    posted(
        officer,
        reverse("wards:feedback_thread", args=[thread.pk]),
        {"body": payload("feedback reply")},
    )
    posted(
        officer,
        reverse("wards:notice_new"),
        {
            "category": "scam",
            "title": payload("notice title"),
            "body": payload("notice text"),
            "audience": "all",
        },
    )
    notice = establishment.notices.get()
    posted(
        officer,
        reverse("wards:declaration_return", args=[filed_citizen.pk]),
        {"reason": payload("return reason"), "version": "1"},
    )
    posted(
        officer,
        reverse("wards:inspection_new", args=[establishment.pk]),
        {"date": timezone.localdate().isoformat(), "findings": payload("inspection findings")},
    )
    search = send(officer, "POST", reverse("wards:search"), {"q": payload("search terms")})
    assert search.status_code == 200
    posted(commander, reverse("wards:beats"), {"name": payload("beat name")})

    # The desk corrects the foreigner; the owner resolves the late flag.
    corrected = {**foreigner, "full_name": "Anna Schmidt Weber", "action": "correct"}
    corrected.update(
        {
            k: v
            for k, v in filing_input({}, room="101", arrived_hours_ago=30).items()
            if "-" not in k
        }
    )
    posted(desk, reverse("guests:correct", args=[filed_foreigner.pk]), corrected)
    Declaration.objects.filter(pk=filed_foreigner.pk).update(
        full_name=payload("corrected name"), room=ROOM
    )
    flag = Flag.objects.get(establishment=establishment, kind="late")
    posted(
        owner,
        reverse("wards:resolve_flag", args=[flag.pk]),
        {"resolution": payload("flag resolution")},
    )

    foreigner_page = reverse("guests:detail", args=[filed_foreigner.pk])
    citizen_page = reverse("guests:detail", args=[filed_citizen.pk])
    pages = {
        "desk": [
            reverse("guests:desk"),
            foreigner_page,
            citizen_page,
            reverse("guests:correct", args=[filed_citizen.pk]),
            reverse("guests:register"),
            reverse("wards:my_notices"),
            reverse("wards:my_notice", args=[notice.pk]),
            reverse("wards:my_feedback"),
            reverse("wards:my_feedback_thread", args=[thread.pk]),
            reverse("wards:notifications"),
        ],
        "owner": [
            reverse("establishments:owner_home"),
            reverse("establishments:staff"),
            reverse("guests:audit"),
            reverse("guests:audit_summary"),
            reverse("wards:establishment_flags"),
            foreigner_page,
            citizen_page,
            reverse("wards:notifications"),
        ],
        "omar": [
            reverse("wards:officer_home"),
            reverse("establishments:applications"),
            reverse("establishments:application", args=[first.pk]),
            reverse("establishments:application", args=[second.pk]),
            reverse("wards:inbox") + "?scope=ward",
            reverse("wards:declaration", args=[filed_foreigner.pk]),
            reverse("wards:declaration", args=[filed_citizen.pk]),
            reverse("wards:board"),
            reverse("wards:establishment", args=[establishment.pk]),
            reverse("wards:flags"),
            reverse("wards:notices"),
            reverse("wards:notice", args=[notice.notice_id]),
            reverse("wards:feedback"),
            reverse("wards:feedback_thread", args=[thread.pk]),
            reverse("wards:notifications"),
        ],
        "cora": [
            reverse("wards:stats"),
            reverse("wards:stats") + "?sort=name",
            reverse("wards:access_log"),
            reverse("wards:beats"),
            reverse("wards:settings"),
        ],
    }
    return Scene(
        establishment=establishment,
        owner=owner,
        desk=desk,
        omar=officer,
        cora=commander,
        foreigner=filed_foreigner,
        citizen=filed_citizen,
        pages=pages,
    )


def found_escaped(body: str) -> set[str]:
    text = html.unescape(body)
    return {name for name in FIELDS if payload(name) in text}


def test_no_page_shows_a_payload_as_markup_and_every_field_is_shown(scene):
    shown: set[str] = set()
    failures = []
    checked = 0
    for who, urls in scene.pages.items():
        client = getattr(scene, who)
        for url in urls:
            response = send(client, "GET", url)
            body = response.content.decode()
            checked += 1
            if response.status_code != 200:
                failures.append(f"{who} {url}: {response.status_code}")
            if match := RAW.search(body):
                failures.append(f"{who} {url}: raw markup {match.group(0)!r}")
            shown |= found_escaped(body)
            text = html.unescape(body)
            shown |= {name for name, value in (("room", ROOM), ("visa", VISA)) if value in text}
    # The search page shows the officer's terms back; the search itself was made in the scene.
    response = send(scene.omar, "POST", reverse("wards:search"), {"q": payload("search terms")})
    assert not RAW.search(response.content.decode())
    shown |= found_escaped(response.content.decode())
    assert not failures, "\n".join(failures)
    assert checked >= 35
    expected = {*FIELDS, "room", "visa"}
    assert shown >= expected, f"never shown: {sorted(expected - shown)}"


def test_flash_messages_and_form_errors_escape_what_was_typed(scene):
    # "Filed: <names>, room <room>." comes back on the next page: a name's apostrophe escaped.
    guest = {
        "full_name": "Anna O'Brien",
        "sex": "F",
        "birth_date": "1991-01-01",
        "document_number": "001191012345",
        "reason": "",
    }
    response = scene.desk.post(
        reverse("guests:file_citizen"), filing_input(guest, room="12"), follow=True
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Anna O&#x27;Brien" in body and "Anna O'Brien" not in body
    # A form with an error (markup is not a name) shows the typed values again, escaped
    # inside the value attributes.
    guest["full_name"] = payload("citizen name")
    response = send(scene.desk, "POST", reverse("guests:file_citizen"), filing_input(guest))
    assert response.status_code == 400
    body = response.content.decode()
    assert "citizen name" in found_escaped(body) and not RAW.search(body)
    # The foreigner's page, with its nationality list written out in Python (guests/forms.py).
    foreigner = {
        "mrz": payload("mrz"),
        "full_name": payload("foreigner name"),
        "sex": payload("sex"),
        "birth_date": payload("birth date"),
        "nationality": payload("nationality"),
        "document_type": payload("document type"),
        "document_number": payload("document number"),
        "entry_port": payload("entry port"),
    }
    for action in ("file", "mrz-0", "add"):
        data = {**filing_input(foreigner, room=ROOM), "action": action}
        response = send(scene.desk, "POST", reverse("guests:file_foreigner"), data)
        body = response.content.decode()
        assert not RAW.search(body), action
        assert payload("foreigner name") in html.unescape(body), action
    response = send(
        Client(),
        "POST",
        reverse("establishments:apply"),
        {"name": payload("establishment name"), "owner_email": "not an address"},
    )
    assert "establishment name" in found_escaped(response.content.decode())
    assert not RAW.search(response.content.decode())


def test_the_csv_exports_carry_the_payload_as_inert_text(scene):
    for client, url, name in [
        (scene.owner, reverse("guests:audit_export"), "corrected name"),
        (scene.owner, reverse("guests:audit_export"), "citizen name"),
        (scene.cora, reverse("wards:stats_export") + "?table=establishments", "establishment name"),
    ]:
        response = send(client, "GET", url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        # One quoted cell (it holds a quote), as typed: never split, never a formula.
        cell = '"' + payload(name).replace('"', '""') + '"'
        assert cell in body.decode("utf-8-sig"), f"{url}: {name}"


def test_e_mails_are_plain_text_only(scene):
    assert len(mail.outbox) >= 2, "the approval and the refusal send e-mails"
    for message in mail.outbox:
        assert message.content_subtype == "plain"
        assert not getattr(message, "alternatives", [])
    assert any(payload("refusal reason") in message.body for message in mail.outbox)
