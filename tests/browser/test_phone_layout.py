"""At phone width (390 px): the desk's guests and the register as cards with no sideways
scrolling, the inbox's checkboxes thumb-sized, and a confirm that keeps the officer's place."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories as f

from .helpers import PHONE, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "Nguyễn Thị Phương Thảo Hoàng Bảo Ngọc"


def scroll_width(page) -> int:
    """The widest of the page and of any box that scrolls sideways on its own (a
    .table-responsive would hide a wide table from the page's own scrollWidth)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth,"
        " ...[...document.querySelectorAll('main *')].filter(e => e.scrollWidth > e.clientWidth"
        " && getComputedStyle(e).overflowX !== 'visible').map(e => e.scrollWidth))"
    )


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_the_desk_and_the_register_fit_a_phone(actors):
    establishment = f.make_establishment(ward=f.make_ward(), name="Khách sạn Hoàn Kiếm")
    rita = f.make_staff(establishment=establishment, username="rita", full_name="Rita Desk")
    f.enrol_totp(rita)
    arrival = timezone.now() - timedelta(hours=2)
    for room, kind in (("203", "citizen"), ("203", "citizen"), ("1205", "foreigner")):
        f.make_declaration(
            establishment=establishment,
            by=rita,
            full_name=LONG_NAME,
            room=room,
            kind=kind,
            arrival=arrival,
        )

    desk = actors("receptionist", "en", phone=True)
    desk.log_in("rita", f.PASSWORD, user=rita)
    page = desk.page
    assert "/guests/desk/" in page.url
    assert scroll_width(page) <= PHONE["width"]
    # Each guest's selection box is a thumb-sized target.
    targets = page.locator("label.tap-target:has(input[name=declaration])")
    assert targets.count() == 3
    for target in targets.all():
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
    button = page.get_by_role("button", name=tr("en", "Check out")).first
    assert button.is_visible()
    assert in_viewport(page, button)
    box = button.bounding_box()
    assert box["height"] >= 36
    # The button is reachable by a tap: it opens the check-out step.
    desk.navigate(button.tap)
    assert "/guests/check-out/" in page.url

    desk.goto("/guests/register/")
    assert scroll_width(page) <= PHONE["width"]
    assert page.get_by_text(LONG_NAME).first.is_visible()

    desk.goto("/guests/register/history/")
    assert scroll_width(page) <= PHONE["width"]


def test_the_inbox_checkboxes_are_thumb_sized_and_a_confirm_keeps_the_place(actors):
    ward = f.make_ward()
    establishment = f.make_establishment(ward=ward, name="Khách sạn Hoàn Kiếm")
    other = f.make_establishment(ward=ward, name="Nhà nghỉ Hồ Tây")
    rita = f.make_staff(establishment=establishment, username="rita")
    sam = f.make_staff(establishment=other, username="sam")
    omar = f.make_officer(ward=ward, username="omar", full_name="Omar Officer")
    f.enrol_totp(omar)
    for i in range(6):
        f.make_declaration(
            establishment=establishment, by=rita, full_name=f"Khách {i}", room=f"10{i}"
        )
    f.make_declaration(establishment=other, by=sam, full_name="Khách khác", room="900")

    police = actors("officer", "en", phone=True)
    police.log_in("omar", f.PASSWORD, user=omar)
    page = police.page
    police.goto(f"/wards/inbox/?establishment={establishment.pk}&kind=")
    assert scroll_width(page) <= PHONE["width"]
    for target in page.locator("label.tap-target").all():
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
    cards = page.get_by_test_id("inbox-row")
    assert cards.count() == 6
    third, fourth = cards.nth(2), cards.nth(3)
    fourth_id = fourth.get_attribute("id")
    police.click(third.get_by_role("button", name=tr("en", "Confirm")))
    assert f"establishment={establishment.pk}" in page.url
    assert page.url.endswith(f"#{fourth_id}")
    assert cards.count() == 5
    assert "Khách khác" not in page.content()
    # The card that followed the confirmed one is on screen, not the top of the list.
    assert page.evaluate("() => window.scrollY") > 0
    assert page.locator(f"#{fourth_id}").is_visible()
