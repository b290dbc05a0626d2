"""At phone width (390 px): the officer's home shows what waits (unread notifications, new
reports of a suspicious guest) as badges on screen, and the collapsed menu carries them too."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests import factories as f
from wards.comm import services as comm

from .helpers import PHONE, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def on_screen(locator) -> bool:
    box = locator.bounding_box()
    return (
        locator.is_visible()
        and box is not None
        and box["x"] >= 0
        and box["x"] + box["width"] <= PHONE["width"]
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_officers_badges_are_visible_on_a_phone(actors, language):
    ward = f.make_ward()
    establishment = f.make_establishment(ward=ward, name="Khách sạn Hoàn Kiếm")
    rita = f.make_staff(establishment=establishment, username="rita")
    omar = f.make_officer(ward=ward, username="omar", full_name="Omar Officer")
    f.enrol_totp(omar)
    guest = f.make_declaration(establishment=establishment, by=rita, full_name="Trần Văn Bình")
    for subject in ("Khách khả nghi", "Khách thứ hai"):
        comm.open_feedback_thread(
            establishment=establishment,
            by=rita,
            category="suspicious_guest",
            subject=subject,
            body="Không xuất trình hộ chiếu.",
            declaration=guest,
            at=timezone.now(),
        )
    # Each report wrote omar an unread notification: 2 and 2.

    police = actors("officer", language, phone=True)
    police.log_in("omar", f.PASSWORD, user=omar)
    page = police.page
    assert page.url.endswith("/wards/"), page.url  # an officer's home
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    notifications = page.get_by_test_id("badge-notifications")
    suspicious = page.get_by_test_id("badge-suspicious")
    assert on_screen(notifications) and on_screen(suspicious)
    assert tr(language, "Unread notifications") in notifications.inner_text()
    assert notifications.locator(".badge").inner_text() == "2"
    assert suspicious.locator(".badge").inner_text() == "2"
    assert on_screen(suspicious.locator(".badge"))

    # The collapsed menu's toggler shows the total, and so does "More" once it is open.
    assert page.get_by_test_id("toggler-badge").inner_text() == "4"
    assert on_screen(page.get_by_test_id("toggler-badge"))
    page.locator(".navbar-toggler").tap()
    total = page.get_by_test_id("nav-badge-total")
    total.wait_for(state="visible")
    assert on_screen(total)
    assert total.inner_text().split()[0] == "4"

    police.click(suspicious)
    assert "/wards/feedback/" in page.url
    assert page.get_by_text("Khách khả nghi").first.is_visible()
