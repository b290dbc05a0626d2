"""Guests' names and document numbers never travel in a URL (browser history, proxy and server
logs keep URLs) and never reach the application's log.

The app is walked as each role: every page, and the redirects of filing, correcting,
reviewing, searching, checking out and uploading. Every Location header and every link, form
action and source in the pages is read; no GET form asks for a personal field. Meanwhile every
logger is set to DEBUG (but for django.db.backends, which production keeps at WARNING: see
test_headers.py) and every record is read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import quote, quote_plus, unquote_plus

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guests.imports import services as imports
from guests.models import Declaration, ImportBatch
from tests import factories as f
from wards.flags.notifications import send_pending
from wards.models import Notification

from .conftest import CITIZEN_NUMBER, GUEST_NAME, PASSPORT_NUMBER, ROLE_OF, page_urls
from .probe import filing_input, send, stay_input

# The part of each identity that is unique to it, as typed and as it might be transformed.
MARKERS = ["zyxwvu", "quach thi", "quách thị", CITIZEN_NUMBER, PASSPORT_NUMBER]
# Filed during the walk, through the forms.
NEW_NAME = "Đặng Văn Qwertyz"
NEW_NUMBER = "001080098765"
MARKERS += ["qwertyz", NEW_NUMBER, "001180076543"]

URL_ATTRIBUTE = re.compile(r'\b(?:href|src|action|formaction|data-url)="([^"]*)"', re.I)
GET_FORM = re.compile(r'<form\b(?![^>]*method="post")[^>]*>(.*?)</form>', re.I | re.S)
FIELD_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.I)
PERSONAL_FIELDS = {"full_name", "document_number", "birth_date", "q", "name", "visa_number"}


def leaks(text: str) -> list[str]:
    """The markers found in a URL or a log line, read raw and URL-decoded."""
    candidates = {text.lower(), unquote_plus(text).lower()}
    found = []
    for marker in MARKERS:
        forms = {marker.lower(), quote(marker).lower(), quote_plus(marker).lower()}
        if any(form in candidate for form in forms for candidate in candidates):
            found.append(marker)
    return found


class Walk:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.urls = 0
        self.get_forms = 0

    def check(self, response, where: str) -> None:
        location = response.get("Location", "")
        if location:
            self.urls += 1
            if found := leaks(location):
                self.problems.append(f"{where}: Location {location} holds {found}")
        if not response.get("Content-Type", "").startswith("text/html"):
            return
        body = response.content.decode()
        for url in URL_ATTRIBUTE.findall(body):
            self.urls += 1
            if found := leaks(url):
                self.problems.append(f"{where}: link {url} holds {found}")
        for form in GET_FORM.findall(body):
            self.get_forms += 1
            if personal := set(FIELD_NAME.findall(form)) & PERSONAL_FIELDS:
                self.problems.append(f"{where}: a GET form asks for {sorted(personal)}")


def new_guest() -> dict[str, str]:
    return {
        "full_name": NEW_NAME,
        "sex": "M",
        "birth_date": "1980-01-01",
        "document_number": NEW_NUMBER,
        "reason": "",
    }


def act(clients, world, establishment, walk: Walk) -> None:
    """Everything that files, changes or looks up a guest, with its redirects followed."""
    desk, owner, officer = clients["rita"], clients["alice"], clients["omar"]

    def post(client, url, data, who):
        response = send(client, "POST", url, data)
        walk.check(response, f"{who} POST {url}")
        if response.status_code == 302:
            walk.check(send(client, "GET", response["Location"]), f"{who} after POST {url}")
        return response

    citizen_url = reverse("guests:file_citizen")
    post(desk, citizen_url, filing_input(new_guest(), room="305"), "rita")
    bad = {**new_guest(), "birth_date": "2999-01-01"}
    assert post(desk, citizen_url, filing_input(bad), "rita").status_code == 400
    filed = Declaration.objects.get(full_name=NEW_NAME)
    correction = {
        "action": "correct",
        **new_guest(),
        "full_name": NEW_NAME + " Jr",
        **stay_input(room="305"),
    }
    post(desk, reverse("guests:correct", args=[filed.pk]), correction, "rita")
    post(desk, reverse("guests:correct", args=[filed.pk]), {"full_name": NEW_NAME}, "rita")
    post(desk, reverse("guests:check_out"), {"declaration": [str(filed.pk)]}, "rita")
    post(desk, reverse("guests:check_out"), {"room": "202"}, "rita")
    for query in (GUEST_NAME, "Quach Thi Zyxwvu", CITIZEN_NUMBER, PASSPORT_NUMBER, "zy"):
        post(officer, reverse("wards:search"), {"q": query}, "omar")
    citizen = world.citizen
    post(officer, reverse("wards:declaration_return", args=[citizen.pk]), {"reason": ""}, "omar")
    post(
        officer,
        reverse("wards:declaration_return", args=[citizen.pk]),
        {"reason": f"Sai tên {GUEST_NAME}", "version": "1", "next": "/wards/inbox/"},
        "omar",
    )
    post(
        officer,
        reverse("wards:inbox_confirm"),
        {"ids": [str(world.foreigner.pk)], "next": reverse("wards:inbox")},
        "omar",
    )
    walk.check(send(officer, "GET", reverse("wards:declaration", args=[citizen.pk])), "omar")
    walk.check(send(owner, "GET", reverse("guests:audit_export") + "?late=maybe"), "alice")
    # A CSV file with one bad row and one good row, then one that files.
    rows = (
        "kind,full_name,sex,birth_date,nationality,document_number,room,arrival,expected_departure\n"
        "citizen,{name},F,1980-01-01,,{number},306,{arrival},{departure}\n"
        "citizen,{name} Bis,F,1980-13-01,,{number},306,{arrival},{departure}\n"
    )
    now = timezone.localtime()
    values = {
        "name": "Lò Thị Qwertyz",
        "number": "001180076543",
        "arrival": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        "departure": (now + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
    }
    filed = []
    for content in (rows.format(**values), rows.format(**values).rsplit("citizen", 1)[0]):
        upload = SimpleUploadedFile("khach.csv", content.encode(), content_type="text/csv")
        response = post(desk, reverse("guests:import"), {"file": upload}, "rita")
        assert response.status_code == 302
        batch = ImportBatch.objects.latest("pk")
        imports.run_import(batch_id=batch.pk)
        filed.append(batch.refresh_from_db() or batch.filed)
        walk.check(send(desk, "GET", response["Location"]), "rita batch page")
    assert filed == [0, 1]  # the first file had a bad row
    # 404s and refusals that name a guest's row.
    for who, url in [
        ("ron", reverse("guests:detail", args=[citizen.pk])),
        ("otto", reverse("wards:declaration", args=[citizen.pk])),
    ]:
        walk.check(send(clients[who], "GET", url), who)


@pytest.fixture
def more_clients(clients, ron, otto):
    return {
        **clients,
        "ron": f.login(Client(), ron),
        "otto": f.login(Client(), otto),
    }


def test_no_url_holds_a_guests_name_or_document_number(more_clients, world, establishment):
    walk = Walk()
    act(more_clients, world, establishment, walk)
    for who in ROLE_OF:
        for name, url in page_urls(who, world, establishment):
            response = send(more_clients[who], "GET", url)
            walk.check(response, f"{who} {name}")
    assert not walk.problems, "\n".join(walk.problems)
    assert walk.urls > 2_000 and walk.get_forms >= 5, (walk.urls, walk.get_forms)


@contextmanager
def every_logger_at_debug() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    loggers = [logging.getLogger()] + [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if not name.startswith("django.db.backends")
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    logging.getLogger().addHandler(handler)
    # The debug cursor makes Django log every statement with its parameters (as under DEBUG);
    # the settings keep django.db.backends at WARNING so that none of them is written.
    connection.force_debug_cursor = True
    try:
        yield records
    finally:
        connection.force_debug_cursor = False
        logging.getLogger().removeHandler(handler)
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled


def record_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), repr(record.args)]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    for name in ("request", "status_code"):
        if hasattr(record, name):
            parts.append(repr(getattr(record, name)))
    return " ".join(parts)


def test_no_log_record_holds_a_guests_name_or_document_number(more_clients, world, establishment):
    with every_logger_at_debug() as records:
        act(more_clients, world, establishment, Walk())
    assert len(records) >= 5, "the capture works: the requests did log something"
    problems = [
        f"{record.name} {record.levelname}: {record_text(record)[:300]} holds {found}"
        for record in records
        if (found := leaks(record_text(record)))
    ]
    assert not problems, "\n".join(problems)


def test_the_notifications_of_a_late_filing_name_no_guest(clients, alice, omar, establishment):
    for user in (alice, omar):
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    guest = {**new_guest(), "full_name": "Quách Thị Zyxwvu", "document_number": CITIZEN_NUMBER}
    guest["sex"], guest["birth_date"] = "F", "1990-01-01"
    data = filing_input(guest, arrived_hours_ago=30)
    assert send(clients["rita"], "POST", reverse("guests:file_citizen"), data).status_code == 302
    assert send_pending() >= 2
    texts = [f"{n.subject} {n.body} {n.url}" for n in Notification.objects.all()]
    texts += [f"{m.subject} {m.body}" for m in mail.outbox]
    assert texts and all(not leaks(text) for text in texts), texts
