"""The immigration journey in a real browser, in Vietnamese and in English: a foreign guest whose
visa ends in three days is filed at the desk; the desk requests a stay extension from the visa
warning, with the passport page, a photo and a PDF; the ward police confirm the residence from
a phone; the province's immigration office asks for more, the desk adds it and resubmits; the
office accepts and approves; the desk reads the timeline and downloads the confirmation of
residence, whose code the public verification page finds valid.

Every page each person sees is checked with axe-core at desktop and phone width (see
helpers.Actor.settle). The journey ends with the database.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone, translation
from fpdf import FPDF
from PIL import Image, ImageDraw
from pypdf import PdfReader

from guests.models import Declaration
from guests.mrz import build_td3
from immigration import workdays
from immigration.models import (
    Application,
    AttachmentKind,
    ConfirmationStatus,
    Kind,
    ResidenceConfirmation,
    State,
)
from immigration.residence.pdf import grouped
from tests import factories as f
from wards.models import Notification, NotificationChannel

from .helpers import DESKTOP, PHONE, ntr, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUEST = "HARRIS OLIVIA"
PASSPORT = "PA4817265"
VISA = "EV2611234"
INFO_REQUEST = "Xin bổ sung hợp đồng thuê phòng đến hết thời gian xin gia hạn."
# Set to a folder (e.g. /tmp/shots/journey) to keep a screenshot of the main pages at both widths.
SHOTS = os.environ.get("JOURNEY_SHOTS", "")


def label(language: str, choice) -> str:
    """A model choice's label as the site shows it in ``language``."""
    with translation.override(language):
        return str(choice.label)


def shot(actor, name: str) -> None:
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    page = actor.page
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        path = folder / f"{actor.language}-{name}-{size['width']}.png"
        page.screenshot(path=path, full_page=True)
    page.set_viewport_size(actor.viewport)


def passport_scan(path: Path, *, size: tuple[int, int], text: str) -> Path:
    image = Image.new("RGB", size, (222, 230, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, size[0] - 10, size[1] - 10), outline=(40, 60, 120), width=4)
    draw.text((24, 24), text, fill=(10, 10, 10))
    image.save(path, "JPEG", quality=85)
    return path


def supporting_pdf(path: Path, *lines: str) -> Path:
    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", size=12)
    for line in lines:
        document.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    document.output(str(path))
    return path


def at_nine(day: date) -> str:
    """A datetime-local box's value: nine in the morning of ``day``."""
    return datetime.combine(day, time(9, 0)).strftime("%Y-%m-%dT%H:%M")


def open_menu(actor) -> None:
    """On a phone the menu is folded behind the navbar's toggler."""
    if actor.phone:
        toggler = actor.page.locator(".navbar-toggler")
        toggler.tap()
        actor.page.locator("#nav.show").wait_for()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_stay_extension_from_the_visa_warning_to_the_approval(actors, language, tmp_path):
    ward = f.make_ward()
    establishment = f.make_establishment(
        ward=ward, name="Khách sạn Hoàn Kiếm", address="12 Hàng Bạc"
    )
    rita = f.make_staff(establishment=establishment, username="rita", full_name="Rita Desk")
    omar = f.make_officer(ward=ward, username="omar", full_name="Omar Officer")
    ivan = f.make_immigration_officer(
        province=ward.province, username="ivan", full_name="Ivan Office"
    )
    for user in (rita, omar, ivan):
        f.enrol_totp(user)
    today = timezone.localdate()
    visa_ends = today + timedelta(days=3)
    entered = today - timedelta(days=10)
    leaving = today + timedelta(days=14)
    asked_until = today + timedelta(days=30)
    zone = build_td3(
        surname="Harris",
        given_names="Olivia",
        document_number=PASSPORT,
        nationality_code="AUS",
        birth_date=date(1991, 8, 23),
        sex="F",
        expiry_date=date(2034, 2, 11),
    )
    passport_page = passport_scan(tmp_path / "passport.jpg", size=(640, 450), text=PASSPORT)
    photo = passport_scan(tmp_path / "photo.jpg", size=(400, 600), text=GUEST)
    booking = supporting_pdf(tmp_path / "booking.pdf", "Booking confirmation", GUEST, "Room 508")
    lease = supporting_pdf(tmp_path / "lease.pdf", "Room lease", GUEST, asked_until.isoformat())

    # --- 1. the desk files the guest from the passport's zone --------------------------------
    desk = actors("receptionist", language)
    desk.log_in("rita", f.PASSWORD, user=rita)
    page = desk.page
    desk.click(page.get_by_role("link", name=tr(language, "File a foreigner")))
    page.locator("#id_guest-0-mrz").fill(zone)
    desk.click(page.get_by_role("button", name=tr(language, "Fill from MRZ")))
    assert page.locator("#id_guest-0-full_name").input_value() == GUEST
    page.locator("#id_guest-0-visa_number").fill(VISA)
    page.locator("#id_guest-0-visa_expiry").fill(visa_ends.isoformat())
    page.locator("#id_guest-0-entry_port").fill("Nội Bài")
    page.locator("#id_guest-0-entry_date").fill(entered.isoformat())
    page.locator("#id_room").fill("508")
    page.locator("#id_expected_departure").fill(at_nine(leaving))
    desk.click(page.get_by_role("button", name=tr(language, "File"), exact=True))
    desk.assert_message(tr(language, "Filed: %(names)s, room %(room)s.", names=GUEST, room="508"))
    declaration = Declaration.objects.get(establishment=establishment)

    # --- 2. the visa warning, the extension's draft, its files, its submission ---------------
    desk.click(page.locator("nav").get_by_role("link", name=tr(language, "Current guests")))
    alert = page.get_by_test_id("visa-warning-alert")
    assert alert.inner_text().startswith(
        ntr(language, "%(n)s guest's visa ends soon.", "%(n)s guests' visas end soon.", 1, n=1)
    )
    desk.click(alert.get_by_role("link", name=tr(language, "See the guests")))
    row = page.get_by_test_id("visa-warning").filter(has_text=GUEST)
    assert ntr(language, "ends in %(n)s day", "ends in %(n)s days", 3, n=3) in row.inner_text()
    desk.click(row.get_by_role("link", name=tr(language, "Request an extension")))
    assert "/immigration/new/" in page.url
    assert page.locator("input[name=kind][value=stay_extension]").is_checked()
    assert page.locator("#id_declaration").input_value() == str(declaration.pk)
    assert page.locator("main .alert-info").inner_text() == tr(
        language,
        "For %(name)s, room %(room)s: the guest's identity, passport, visa and entry are copied "
        "from the declaration.",
        name=GUEST,
        room="508",
    )
    desk.click(page.get_by_role("button", name=tr(language, "Start the application")))
    application = Application.objects.get(establishment=establishment)
    reference = application.reference
    desk.assert_message(
        tr(
            language,
            "Draft %(reference)s started: fill in what is missing, then submit it.",
            reference=reference,
        )
    )
    # Prefilled from the declaration and the lodging.
    identity = page.locator("fieldset").first.inner_text()
    assert GUEST in identity and PASSPORT in identity
    assert page.locator("#id_permit_type").input_value() == "visa"
    assert page.locator("#id_permit_number").input_value() == VISA
    assert page.locator("#id_permit_expiry").input_value() == visa_ends.isoformat()
    assert page.locator("#id_entry_date").input_value() == entered.isoformat()
    assert page.locator("#id_entry_port").input_value() == "Nội Bài"
    assert page.locator("#id_address").input_value() == "12 Hàng Bạc"
    assert page.locator("#id_ward").input_value() == str(ward.pk)
    assert page.locator("#id_sponsor_name").input_value() == "Khách sạn Hoàn Kiếm"
    assert page.locator("#id_signed_by").input_value() == "Rita Desk"
    # What is new.
    page.locator("#id_purpose").select_option("DL")
    page.locator("#id_requested_until").fill(asked_until.isoformat())
    page.locator("#id_sponsor_phone").fill("+84 24 3826 1508")
    page.locator("#id_signer_title").fill("Lễ tân")
    page.locator("#id_passport_page").set_input_files(passport_page)
    page.locator("#id_photo").set_input_files(photo)
    page.locator("#id_supporting").set_input_files(booking)
    shot(desk, "edit")
    desk.click(page.get_by_role("button", name=tr(language, "Submit"), exact=True))
    desk.assert_message(tr(language, "Submitted to the immigration office."))
    assert f"/immigration/{application.pk}/" in page.url
    files = page.locator("main section").filter(has_text=tr(language, "Files")).first.inner_text()
    assert "passport.jpg" in files and "photo.jpg" in files and "booking.pdf" in files

    # --- 3. the desk asks the ward police for the confirmation of residence ------------------
    panel = page.get_by_test_id("residence-panel")
    desk.click(panel.get_by_role("button", name=tr(language, "Ask the ward police to confirm")))
    desk.assert_message(
        tr(
            language,
            "The police of %(ward)s were asked to confirm the residence.",
            ward=ward.name,
        )
    )
    assert label(language, ConfirmationStatus.REQUESTED) in panel.inner_text()

    # --- 4. the ward officer confirms it from a phone ----------------------------------------
    police = actors("officer", language, phone=True)
    police.log_in("omar", f.PASSWORD, user=omar)
    page = police.page
    open_menu(police)
    page.locator("#nav .dropdown-toggle").tap()
    police.click(page.get_by_role("link", name=tr(language, "Confirmations of residence")))
    request = page.locator("a.card").filter(has_text=GUEST)
    assert request.count() == 1
    police.click(request)
    stay = page.get_by_test_id("stay")
    assert "Khách sạn Hoàn Kiếm" in stay.inner_text() and "508" in stay.inner_text()
    assert PASSPORT in page.locator("main").inner_text()
    shot(police, "confirmation")
    police.click(page.get_by_role("button", name=tr(language, "Confirm the residence")))
    police.assert_message(
        tr(
            language,
            "The residence of %(name)s is confirmed; the applicant can download the paper.",
            name=GUEST,
        )
    )
    confirmation = ResidenceConfirmation.objects.get(application=application)
    code = confirmation.code
    assert page.locator("main code").inner_text() == code

    # --- 5. the immigration officer asks for more --------------------------------------------
    office = actors("immigration officer", language)
    office.log_in("ivan", f.PASSWORD, user=ivan)
    page = office.page
    assert "/immigration/office/" in page.url
    table = page.get_by_test_id("queue-table")
    assert GUEST in table.inner_text()
    office.click(table.get_by_role("link", name=reference))
    assert label(language, State.SUBMITTED) == page.get_by_test_id("state").inner_text()
    assert "booking.pdf" in page.get_by_test_id("attachments").inner_text()
    assert code in page.get_by_test_id("confirmations").inner_text()
    shot(office, "office")
    page.locator("#id_info_form-text").fill(INFO_REQUEST)
    office.click(page.get_by_role("button", name=tr(language, "Send the request")))
    office.assert_message(
        tr(
            language,
            "More information was requested for %(reference)s; the applicant is told.",
            reference=reference,
        )
    )

    # --- 6. the desk reads the notification, adds the lease, resubmits -----------------------
    page = desk.page
    page.locator("#nav").get_by_role("button", name=tr(language, "Police")).click()
    desk.click(page.locator("#nav").get_by_role("link", name=tr(language, "Notifications")))
    subject = tr(
        language,
        "Application %(reference)s: more information requested",
        reference=reference,
    )
    item = page.locator("main li").filter(has_text=subject)
    assert INFO_REQUEST in item.inner_text()
    with translation.override(language):
        open_link = translation.pgettext("action", "Open")
    desk.click(item.get_by_role("link", name=open_link))
    assert f"/immigration/{application.pk}/" in page.url
    asked = page.locator("main .alert-warning")
    assert tr(language, "The immigration office asks:") in asked.inner_text()
    assert INFO_REQUEST in asked.inner_text()
    desk.click(page.locator("main").get_by_role("link", name=tr(language, "Edit"), exact=True))
    assert INFO_REQUEST in page.locator("main .alert-warning").inner_text()
    page.locator("#id_occupation").fill("Kiến trúc sư")
    page.locator("#id_supporting").set_input_files(lease)
    desk.click(page.get_by_role("button", name=tr(language, "Send back to the office")))
    desk.assert_message(tr(language, "Sent back to the immigration office."))

    # --- 7. the office accepts, then approves ------------------------------------------------
    page = office.page
    office.goto(f"/immigration/office/{application.pk}/")
    assert label(language, State.RESUBMITTED) == page.get_by_test_id("state").inner_text()
    assert "lease.pdf" in page.get_by_test_id("attachments").inner_text()
    hand_in = workdays.add_working_days(today, 1)
    collect = workdays.add_working_days(today, 3)
    page.locator("#id_accept_form-appointment_at").fill(at_nine(hand_in))
    office.click(page.get_by_role("button", name=tr(language, "Accept and set the appointment")))
    office.assert_message(
        tr(
            language,
            "%(reference)s is accepted; the applicant is told the appointment.",
            reference=reference,
        )
    )
    page.locator("#id_approve_form-appointment_at").fill(at_nine(collect))
    office.click(page.get_by_role("button", name=tr(language, "Approve and set the appointment")))
    office.assert_message(
        tr(
            language,
            "%(reference)s is approved; the applicant is told the appointment.",
            reference=reference,
        )
    )
    assert label(language, State.APPROVED) == page.get_by_test_id("state").inner_text()

    # The desk: the timeline with every step, the appointment, the paper.
    page = desk.page
    desk.goto(f"/immigration/{application.pk}/")
    steps = page.locator("ol.timeline > li")
    assert [badge.inner_text() for badge in steps.locator(".badge").all()] == [
        label(language, state)
        for state in (
            State.SUBMITTED,
            State.INFO_REQUESTED,
            State.RESUBMITTED,
            State.ACCEPTED,
            State.APPROVED,
        )
    ]
    assert INFO_REQUEST in steps.nth(1).inner_text()
    summary = page.locator("main dl").first.inner_text()
    assert tr(language, "until %(day)s", day=asked_until.strftime("%d/%m/%Y")) in summary
    assert "Ivan Office" in steps.nth(4).inner_text()
    appointment = page.locator("main .alert-info time")
    assert appointment.get_attribute("datetime").startswith(collect.isoformat() + "T09:00")
    shot(desk, "approved")
    with page.expect_download() as download:
        page.get_by_role("link", name=tr(language, "Download the confirmation (PDF)")).click()
    assert download.value.suggested_filename == f"xac-nhan-cu-tru-{reference}.pdf"
    paper = PdfReader(download.value.path())
    text = " ".join(p.extract_text() for p in paper.pages)
    assert grouped(code) in text
    assert GUEST in text

    # Anyone can check the paper's code.
    public = actors("public", language)
    page = public.page
    public.goto("/immigration/residence/verify/")
    public.switch_language()
    page.get_by_label(tr(language, "Verification code")).fill(grouped(code).lower())
    public.click(page.get_by_role("button", name=tr(language, "Check"), exact=True))
    assert page.url.endswith(f"/immigration/residence/verify/{code}/")
    verdict = page.get_by_test_id("verdict").inner_text()
    assert tr(language, "Valid: this confirmation was issued by the ward police.") in verdict
    assert PASSPORT[-3:] in verdict
    shot(public, "verify")

    # --- the database ------------------------------------------------------------------------
    application.refresh_from_db()
    assert (application.kind, application.state) == (Kind.STAY_EXTENSION, State.APPROVED)
    assert application.declaration == declaration
    assert (application.full_name, application.passport_number) == (GUEST, PASSPORT)
    assert (application.nationality, application.birth_date) == ("AU", date(1991, 8, 23))
    assert (application.permit_number, application.permit_expiry) == (VISA, visa_ends)
    assert (application.requested_until, application.occupation) == (asked_until, "Kiến trúc sư")
    assert application.info_request == INFO_REQUEST
    assert timezone.localtime(application.appointment_at) == timezone.make_aware(
        datetime.combine(collect, time(9, 0))
    )
    assert application.decided_at is not None
    events = list(application.events.values_list("from_state", "to_state", "actor__username"))
    assert events == [
        (State.DRAFT, State.SUBMITTED, "rita"),
        (State.SUBMITTED, State.INFO_REQUESTED, "ivan"),
        (State.INFO_REQUESTED, State.RESUBMITTED, "rita"),
        (State.RESUBMITTED, State.ACCEPTED, "ivan"),
        (State.ACCEPTED, State.APPROVED, "ivan"),
    ]
    attachments = sorted(application.attachments.values_list("kind", "name", "content_type"))
    assert attachments == [
        (AttachmentKind.PASSPORT_PAGE, "passport.jpg", "image/jpeg"),
        (AttachmentKind.PHOTO, "photo.jpg", "image/jpeg"),
        (AttachmentKind.SUPPORTING, "booking.pdf", "application/pdf"),
        (AttachmentKind.SUPPORTING, "lease.pdf", "application/pdf"),
    ]
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.CONFIRMED
    assert (confirmation.ward, confirmation.requested_by, confirmation.decided_by) == (
        ward,
        rita,
        omar,
    )
    assert (confirmation.passport_tail, confirmation.valid_until) == (PASSPORT[-3:], asked_until)
    told = Notification.objects.filter(recipient=rita, channel=NotificationChannel.IN_APP)
    assert told.count() == 3  # information requested, accepted, approved
    assert re.search(reference, " ".join(told.values_list("subject", flat=True)))
    for actor in (desk, police, office, public):
        actor.assert_holds_no_personal_data([GUEST, "Olivia", PASSPORT, VISA])
