"""Four journeys through the portal in a real browser, in Vietnamese and in English.

Each starts from a fresh login with the second factor, asserts on what the user sees, checks
every page with axe-core (see conftest.Actor.settle), and ends with the database and with what
the browser kept: no personal data in its storage, cookies or URLs.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from establishments.models import Application, ApplicationStatus, Establishment, Staff
from guests import documents, services
from guests.deadlines import to_local
from guests.models import (
    Declaration,
    RegisterClosing,
    ReviewAction,
    ReviewStatus,
)
from guests.mrz import build_td3
from luutru.models import Role, User
from tests import factories as f

from .helpers import code_for, key_from_base32, ntr, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = pytest.mark.parametrize("language", ["vi", "en"])
NEW_PASSWORD = "Lồng đèn phố cổ 2026!"


def english_is_shown(actor) -> None:
    """The English run really is in English (and the Vietnamese one not)."""
    nav = actor.page.locator("footer").inner_text()
    english = "online notification of guests to the ward police" in nav
    assert english == (actor.language == "en"), nav


# --- 1. an establishment applies, the police approve it, the owner sets up the accounts -------


@LANGUAGES
def test_an_establishment_applies_is_approved_and_its_owner_opens_a_desk_account(
    actors, language, settings
):
    # The live server runs in this process: its e-mails land in django.core.mail.outbox.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ward = f.make_ward()
    officer = f.make_officer(ward=ward, username="omar")
    f.enrol_totp(officer)

    # The applicant, on the public form.
    applicant = actors("applicant", language)
    page = applicant.page
    applicant.goto("/establishments/apply/")
    applicant.switch_language()
    english_is_shown(applicant)
    page.locator("#id_name").fill("Khách sạn Sen Vàng")
    page.locator("#id_kind").select_option("hotel")
    page.locator("#id_star_rating").select_option("3")
    page.locator("#id_address").fill("12 Hàng Bè")
    # The ward list's search box (static/js/searchable-select.js), accents left out.
    page.get_by_label(tr(language, "Search for a ward")).fill("hoan kiem")
    page.wait_for_function("v => document.querySelector('#id_ward').value === v", arg=str(ward.pk))
    page.locator("#id_business_registration_number").fill("0101234567")
    page.locator("#id_room_count").fill("24")
    page.locator("#id_owner_name").fill("Lê Thị Hoa")
    page.locator("#id_owner_phone").fill("0912 345 678")
    page.locator("#id_owner_email").fill("hoa@senvang.example")
    applicant.click(page.get_by_role("button", name=tr(language, "Send the application")))
    assert "/establishments/apply/sent/" in page.url
    assert "Khách sạn Sen Vàng" in page.locator("main").inner_text()
    application = Application.objects.get(name="Khách sạn Sen Vàng")
    assert application.status == ApplicationStatus.PENDING

    # The ward officer, on a phone.
    police = actors("officer", language, phone=True)
    police.log_in("omar", f.PASSWORD, user=officer)
    page = police.page
    assert page.get_by_test_id("pending-applications").inner_text() == "1"
    police.click(page.get_by_role("link", name=tr(language, "Review applications")))
    police.click(page.get_by_role("link", name=re.compile("Khách sạn Sen Vàng")))
    assert "12 Hàng Bè" in page.locator("main").inner_text()
    mail.outbox = []
    police.click(page.get_by_role("button", name=tr(language, "Approve and issue the accounts")))
    # The confirmation step (issue 16, item 13): nothing is opened until it is confirmed.
    assert not Establishment.objects.filter(application=application).exists()
    police.click(page.get_by_role("button", name=tr(language, "Approve and issue the accounts")))
    establishment = Establishment.objects.get(application=application)
    owner = User.objects.get(username=f"{establishment.code}-owner")
    desk = User.objects.get(username=f"{establishment.code}-desk")
    police.assert_message(
        tr(
            language,
            "%(name)s is registered with code %(code)s. Accounts %(owner)s (owner) and "
            "%(desk)s (front desk) were opened; their set-password links were e-mailed to "
            "%(email)s.",
            name="Khách sạn Sen Vàng",
            code=establishment.code,
            owner=owner.username,
            desk=desk.username,
            email="hoa@senvang.example",
        )
    )

    # The owner reads the e-mail: two one-time links, the owner's first.
    (message,) = mail.outbox
    assert message.to == ["hoa@senvang.example"]
    links = re.findall(r"https?://\S+/accounts/password/set/\S+/", message.body)
    assert len(links) == 2
    owner_link = links[0]
    assert owner_link.startswith(police.base_url)

    boss = actors("owner", language)
    page = boss.page
    boss.goto(owner_link.removeprefix(boss.base_url))
    boss.switch_language()
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    boss.navigate(lambda: page.locator("#id_new_password2").press("Enter"))
    assert "/accounts/password/set/done/" in page.url

    # First login: the password, then enrolment of an authenticator (owners must use one).
    boss.log_in(owner.username, NEW_PASSWORD)
    assert "/accounts/2fa/enrol/" in page.url
    assert page.locator("h1").inner_text() == tr(language, "Set up two-factor authentication")
    key = key_from_base32(page.locator("main code").inner_text())
    page.locator("#id_token").fill(code_for(owner, key=key))
    boss.navigate(lambda: page.locator("#id_token").press("Enter"))
    assert page.locator("main .alert-success").inner_text() == tr(
        language, "Two-factor authentication is set up."
    )
    assert page.locator(".backup-codes li").count() == 10
    boss.click(page.get_by_role("link", name=tr(language, "I have saved them, continue")))
    assert page.locator("h1").inner_text() == "Khách sạn Sen Vàng"

    # The owner opens an account for a second receptionist.
    boss.click(page.get_by_role("link", name=tr(language, "Staff accounts")))
    page.locator("#id_full_name").fill("Phạm Minh Tú")
    page.locator("#id_username").fill("tu.senvang")
    page.locator("#id_email").fill("tu@senvang.example")
    boss.click(page.get_by_role("button", name=tr(language, "Open the account")))
    boss.assert_message(tr(language, "The account %(username)s was opened.", username="tu.senvang"))
    boss.assert_message(
        tr(
            language,
            "A set-password link for %(username)s was e-mailed to %(email)s.",
            username="tu.senvang",
            email="tu@senvang.example",
        )
    )
    assert "Phạm Minh Tú" in page.locator("main").inner_text()

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.decided_by == officer
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.filter(user=owner, confirmed=True).count() == 1
    staff = Staff.objects.filter(establishment=establishment).select_related("user")
    assert {(s.user.username, s.user.role) for s in staff} == {
        (owner.username, Role.OWNER),
        (desk.username, Role.RECEPTIONIST),
        ("tu.senvang", Role.RECEPTIONIST),
    }
    assert mail.outbox[-1].to == ["tu@senvang.example"]
    for actor in (applicant, police, boss):
        actor.assert_holds_no_personal_data(["hoa@senvang.example", "0912345678"])


# --- 2. the front desk files guests from the keyboard, checks one out, closes the day --------


def type_citizen(desk, index: int, *, name: str, female: bool, born: str, number: str) -> None:
    """One citizen's fields, from the focused name box on, with the keyboard only."""
    keyboard = desk.page.keyboard
    assert desk.focused() == f"id_guest-{index}-full_name"
    keyboard.type(name)
    keyboard.press("Tab")
    keyboard.press("ArrowDown")  # Male
    if female:
        keyboard.press("ArrowDown")
    keyboard.press("Tab")
    keyboard.type(born)  # a date box in an en-US browser: mm dd yyyy
    desk.tab_to(f"#id_guest-{index}-document_number")
    keyboard.type(number)


@LANGUAGES
def test_the_front_desk_files_guests_from_the_keyboard_and_closes_the_day(actors, language):
    establishment = f.make_establishment(ward=f.make_ward(), name="Khách sạn Hoàn Kiếm")
    rita = f.make_staff(establishment=establishment, username="rita", full_name="Rita Desk")
    f.enrol_totp(rita)
    zone = build_td3(
        surname="Dubois",
        given_names="Claire",
        document_number="FR1234567",
        nationality_code="FRA",
        birth_date=date(1988, 5, 17),
        sex="F",
        expiry_date=date(2033, 5, 16),
    )
    family = [
        ("Nguyễn Văn Hùng", False, "04021985", "079085001234"),
        ("Lê Thị Mai", True, "11301988", "079188005678"),
        ("Nguyễn Minh Khôi", False, "06012016", "079216009012"),
    ]

    desk = actors("receptionist", language)
    desk.log_in("rita", f.PASSWORD, user=rita)
    page, keyboard = desk.page, desk.page.keyboard
    english_is_shown(desk)
    assert "/guests/desk/" in page.url

    # From here to the family's filing, the keyboard only (Actor.click refuses).
    desk.keyboard_only = True

    # A foreigner: the passport's zone pasted into the MRZ box, Tab, Enter on "Fill from MRZ".
    desk.tab_to("a[href='/guests/file/foreigner/']")
    desk.navigate(lambda: keyboard.press("Enter"))
    assert desk.focused() == "id_guest-0-mrz"
    keyboard.insert_text(zone)
    keyboard.press("Tab")
    assert desk.focused() == tr(language, "Fill from MRZ")
    desk.navigate(lambda: keyboard.press("Enter"))
    assert page.locator("#id_guest-0-full_name").input_value() == "DUBOIS CLAIRE"
    assert page.locator("#id_guest-0-document_number").input_value() == "FR1234567"
    assert page.locator("#id_guest-0-nationality").input_value() == "FR"
    assert desk.focused() == "id_guest-0-visa_number"
    keyboard.type("DL8812345")
    desk.tab_to("#id_room")
    keyboard.type("301")
    desk.navigate(lambda: keyboard.press("Enter"))
    desk.assert_message(
        tr(language, "Filed: %(names)s, room %(room)s.", names="DUBOIS CLAIRE", room="301")
    )
    assert desk.focused() == "id_guest-0-mrz"  # ready for the next passport

    # A citizen typed by hand.
    desk.tab_to("a[href='/guests/desk/']")
    desk.navigate(lambda: keyboard.press("Enter"))
    desk.tab_to("a[href='/guests/file/citizen/']")
    desk.navigate(lambda: keyboard.press("Enter"))
    # First with a number of someone born in 1990: the form says so and keeps what was typed.
    type_citizen(desk, 0, name="Trần Thị Bình", female=True, born="03141992", number="001190012345")
    keyboard.press("Tab")
    keyboard.type("Công tác")
    desk.tab_to("#id_room")
    keyboard.type("302")
    desk.navigate(lambda: keyboard.press("Enter"))
    error = page.locator("#div_id_guest-0-document_number .invalid-feedback")
    assert error.inner_text() == tr(
        language,
        "This number is of someone born in %(year)s, not %(born)s: check the number and the "
        "date of birth.",
        year=1990,
        born=1992,
    )
    assert page.locator("#id_room").input_value() == "302"
    desk.tab_to("#id_guest-0-document_number")
    keyboard.press("Control+A")
    keyboard.type("001192012345")
    desk.navigate(lambda: keyboard.press("Enter"))
    desk.assert_message(
        tr(language, "Filed: %(names)s, room %(room)s.", names="Trần Thị Bình", room="302")
    )

    # A family of three in one room: one submit.
    for index, (name, female, born, number) in enumerate(family):
        if index:
            desk.tab_to("button[value=add]")
            desk.navigate(lambda: keyboard.press("Enter"))
        type_citizen(desk, index, name=name, female=female, born=born, number=number)
    desk.tab_to("#id_room")
    keyboard.type("303")
    desk.navigate(lambda: keyboard.press("Enter"))
    names = ", ".join(name for name, *_ in family)
    desk.assert_message(tr(language, "Filed: %(names)s, room %(room)s.", names=names, room="303"))
    desk.keyboard_only = False

    # The desk lists five guests; the foreigner leaves.
    desk.click(page.locator("nav").get_by_role("link", name=tr(language, "Current guests")))
    rows = page.locator("main table tbody tr")
    assert rows.count() == 5
    leaving = rows.filter(has_text="DUBOIS CLAIRE")
    desk.click(leaving.get_by_role("button", name=tr(language, "Check out"), exact=True))
    # The confirmation step, with the departure time (now by default).
    assert "DUBOIS CLAIRE" in page.get_by_test_id("leaving").inner_text()
    departed = page.get_by_label(tr(language, "Departure time")).input_value()
    desk.click(page.get_by_role("button", name=tr(language, "Confirm the check-out")))
    at = f"{departed[8:10]}/{departed[5:7]}/{departed[:4]} {departed[11:16]}"
    desk.assert_message(
        tr(
            language,
            "Checked out: %(name)s, room %(room)s, %(time)s",
            name="DUBOIS CLAIRE",
            room="301",
            time=at,
        )
    )
    assert rows.count() == 4
    assert "DUBOIS CLAIRE" not in page.locator("main table").inner_text()

    # Closing the day's register (the day of the arrivals, in Viet Nam).
    first = Declaration.objects.filter(establishment=establishment).earliest("arrival")
    day = to_local(first.arrival).date()
    desk.goto(f"/guests/register/?day={day.isoformat()}")
    assert page.locator("#count-foreigners").inner_text() == "1"
    assert page.locator("#count-citizens").inner_text() == "4"
    assert page.locator("#count-departed").inner_text() == "1"
    assert page.locator("#count-staying").inner_text() == "4"
    close = page.locator("form[action='/guests/register/close/'] button")
    desk.click(close)
    shown = day.strftime("%d/%m/%Y")
    desk.assert_message(tr(language, "The register for %(day)s is closed.", day=shown))
    desk.click(page.get_by_role("link", name=tr(language, "Register history (30 days)")))
    closed = page.locator(f"tr[data-day='{day.isoformat()}']")
    assert closed.locator(".badge.text-bg-success").count() == 1
    assert closed.locator("td.text-end").all_inner_texts() == ["1", "4", "0"]

    filed = Declaration.objects.filter(establishment=establishment)
    assert filed.count() == 5
    assert set(filed.values_list("filed_by", flat=True)) == {rita.pk}
    claire = filed.get(document_hash=documents.document_hash("FR1234567"))
    assert (claire.kind, claire.full_name, claire.nationality) == (
        "foreigner",
        "DUBOIS CLAIRE",
        "FR",
    )
    assert (claire.sex, claire.birth_date, claire.visa_number) == (
        "F",
        date(1988, 5, 17),
        "DL8812345",
    )
    assert claire.departed_at is not None and claire.departed_by == rita
    binh = filed.get(document_hash=documents.document_hash("001192012345"))
    assert (binh.sex, binh.birth_date, binh.reason) == ("F", date(1992, 3, 14), "Công tác")
    room = filed.filter(room="303")
    assert sorted(room.values_list("full_name", flat=True)) == sorted(n for n, *_ in family)
    assert len(set(room.values_list("filed_at", flat=True))) == 1  # one submit
    assert set(room.values_list("sex", flat=True)) == {"M", "F"}
    assert not filed.filter(late=True).exists()
    closing = RegisterClosing.objects.get(establishment=establishment, day=day)
    assert (closing.foreigners, closing.citizens, closing.late) == (1, 4, 0)
    assert closing.closed_by == rita
    secrets = ["DUBOIS", "Claire", "FR1234567", "Bình", "001192012345", "Khôi", "079216009012"]
    desk.assert_holds_no_personal_data(secrets)


# --- 3. the police review on a phone; a returned declaration is corrected and confirmed ------


@LANGUAGES
def test_the_police_confirm_return_and_confirm_a_correction_from_a_phone(actors, language):
    ward = f.make_ward()
    establishment = f.make_establishment(ward=ward, name="Khách sạn Hoàn Kiếm")
    rita = f.make_staff(establishment=establishment, username="rita", full_name="Rita Desk")
    omar = f.make_officer(ward=ward, username="omar", full_name="Omar Officer")
    for user in (rita, omar):
        f.enrol_totp(user)
    made = {
        name: f.make_declaration(establishment=establishment, by=rita, full_name=name, room=room)
        for name, room in [("Đỗ Văn Nam", "201"), ("Vũ Thị Lan", "202"), ("Hồ Văn Tàii", "203")]
    }
    reason = "Họ tên sai chính tả: kiểm tra lại CCCD."

    police = actors("officer", language, phone=True)
    police.log_in("omar", f.PASSWORD, user=omar)
    page = police.page
    english_is_shown(police)
    assert page.get_by_test_id("pending-declarations").inner_text() == "3"
    police.click(page.get_by_role("link", name=tr(language, "Open the review inbox")))
    cards = page.get_by_test_id("inbox-row")
    assert cards.count() == 3
    for name in ("Đỗ Văn Nam", "Vũ Thị Lan"):
        card = cards.filter(has_text=name)
        police.click(card.get_by_role("button", name=tr(language, "Confirm")))
        police.assert_message(tr(language, "%(name)s confirmed.", name=name))
    assert cards.count() == 1
    police.click(cards.get_by_role("link", name="Hồ Văn Tàii"))
    page.get_by_label(tr(language, "Reason for returning")).fill(reason)
    police.click(page.get_by_role("button", name=tr(language, "Return for correction")))
    police.assert_message(
        tr(
            language,
            "%(name)s was returned to the establishment for correction.",
            name="Hồ Văn Tàii",
        )
    )
    assert (
        page.locator("main").get_by_text(tr(language, "Nothing waiting for review.")).is_visible()
    )

    # The front desk sees the return at the top of its page and corrects the name.
    desk = actors("receptionist", language)
    desk.log_in("rita", f.PASSWORD, user=rita)
    page = desk.page
    returned = page.locator("section[aria-labelledby=returned-heading]")
    assert reason in returned.inner_text()
    desk.click(returned.get_by_role("link", name=tr(language, "Correct")))
    assert reason in page.locator("main .alert-danger").inner_text()
    page.locator("#id_full_name").fill("Hồ Văn Tài")
    desk.click(page.get_by_role("button", name=tr(language, "Correct and re-submit")))
    desk.assert_message(
        tr(language, "Version %(number)d saved and sent back to the police for review.", number=2)
    )
    history = page.locator("ol.history").inner_text()
    assert "Hồ Văn Tàii" in history and "Hồ Văn Tài" in history

    # Back on the phone: the correction is waiting; the officer confirms version 2.
    page = police.page
    police.click(page.locator("a.navbar-brand"))
    police.click(page.get_by_role("link", name=tr(language, "Open the review inbox")))
    police.click(page.get_by_test_id("inbox-row").get_by_role("link", name="Hồ Văn Tài"))
    police.click(
        page.get_by_role("button", name=tr(language, "Confirm version %(number)s", number=2))
    )
    police.assert_message(tr(language, "%(name)s confirmed.", name="Hồ Văn Tài"))

    statuses = dict(
        Declaration.objects.filter(establishment=establishment).values_list("pk", "review_status")
    )
    assert set(statuses.values()) == {ReviewStatus.CONFIRMED}
    corrected = made["Hồ Văn Tàii"]
    corrected.refresh_from_db()
    assert corrected.full_name == "Hồ Văn Tài"
    assert [(v.number, v.data["full_name"]) for v in corrected.versions.order_by("number")] == [
        (1, "Hồ Văn Tàii"),
        (2, "Hồ Văn Tài"),
    ]
    assert list(corrected.reviews.order_by("at").values_list("action", "version_number")) == [
        (ReviewAction.RETURNED, 1),
        (ReviewAction.CONFIRMED, 2),
    ]
    assert corrected.reviews.get(action=ReviewAction.RETURNED).reason == reason
    secrets = [d.full_name for d in made.values()] + [d.document_number for d in made.values()]
    for actor in (police, desk):
        actor.assert_holds_no_personal_data(secrets + ["Hồ Văn Tài"])


# --- 4. the owner audits the staff's submissions --------------------------------------------


@LANGUAGES
def test_the_owner_filters_the_audit_opens_a_history_and_exports_it(actors, language):
    establishment = f.make_establishment(ward=f.make_ward(), name="Khách sạn Hoàn Kiếm")
    alice = f.make_staff(
        establishment=establishment, role=Role.OWNER, username="alice", full_name="Alice Owner"
    )
    rita = f.make_staff(establishment=establishment, username="rita", full_name="Rita Desk")
    rosa = f.make_staff(establishment=establishment, username="rosa", full_name="Rosa Night")
    f.enrol_totp(alice)
    by_rita = [
        f.make_declaration(establishment=establishment, by=rita, full_name=name, room="101")
        for name in ("Phan Văn Đức", "Bùi Thị Hạnh")
    ]
    f.make_declaration(
        establishment=establishment,
        by=rosa,
        full_name="Jean MARTIN",
        kind="foreigner",
        document_number="P7788990",
        room="102",
    )
    corrected = by_rita[0]
    services.correct_declaration(
        declaration=corrected,
        corrected_by=rita,
        data={"room": "105", "full_name": "Phan Văn Đức"},
    )

    boss = actors("owner", language)
    boss.log_in("alice", f.PASSWORD, user=alice)
    page = boss.page
    english_is_shown(boss)
    boss.click(page.locator("main").get_by_role("link", name=tr(language, "Audit of submissions")))
    table = page.locator("main table")
    assert table.locator("tbody tr").count() == 3

    # Only Rita's submissions.
    page.locator("#id_staff").select_option(str(rita.pk))
    boss.click(page.get_by_role("button", name=tr(language, "Filter"), exact=True))
    assert f"staff={rita.pk}" in page.url
    rows = table.locator("tbody tr")
    assert rows.count() == 2
    assert "Jean MARTIN" not in table.inner_text()
    shown = ntr(language, "%(counter)s submission", "%(counter)s submissions", 2, counter=2)
    assert page.get_by_role("status").inner_text() == shown
    number = corrected.document_number
    assert documents.mask(number) in table.inner_text()
    assert number not in page.content()

    # Its version history.
    row = rows.filter(has_text="Phan Văn Đức")
    assert row.locator("td").last.inner_text() == "2"
    boss.click(row.get_by_role("link", name="Phan Văn Đức"))
    history = page.locator("ol.history")
    assert history.locator(":scope > li").count() == 2
    assert "101" in history.inner_text() and "105" in history.inner_text()
    boss.navigate(page.go_back)

    # The export keeps the filter; the document numbers are masked in it.
    with page.expect_download() as download:
        page.get_by_role("link", name=tr(language, "Export to CSV")).click()
    path = download.value.path()
    assert download.value.suggested_filename.startswith(f"audit-{establishment.code}-")
    text = path.read_text(encoding="utf-8-sig")
    table_rows = list(csv.reader(io.StringIO(text)))
    header, body = table_rows[0], table_rows[1:]
    assert header[4] == tr(language, "Full name")
    column = header.index(tr(language, "Document number"))
    assert sorted(r[4] for r in body) == ["Bùi Thị Hạnh", "Phan Văn Đức"]
    assert {r[column] for r in body} == {documents.mask(d.document_number) for d in by_rita}
    for declaration in by_rita:
        assert declaration.document_number not in text
    assert "Rosa" not in text

    # The per-staff summary: who filed what, and what was corrected.
    boss.click(page.get_by_role("link", name=tr(language, "Summary by staff member")))
    summary = {}
    for row in page.locator("main table tbody tr").all():
        # Filed, late, late (%, written the language's way), returned, corrected.
        filed, late, _percent, returned, fixed = row.locator("td.text-end").all_inner_texts()
        summary[row.locator("td a").inner_text()] = (filed, late, returned, fixed)
    assert summary == {str(rita): ("2", "0", "0", "1"), str(rosa): ("1", "0", "0", "0")}

    assert Declaration.objects.filter(establishment=establishment).count() == 3
    assert corrected.versions.count() == 2
    boss.assert_holds_no_personal_data(
        ["Phan Văn Đức", "Bùi Thị Hạnh", "Jean MARTIN", "P7788990", corrected.document_number]
    )
