"""An officer on a phone finds lodgings among a ward's hundred by typing without accents, ticks
one, publishes, and only that lodging receives the notice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from luutru.models import Beat, Role
from tests import factories as f
from wards.models import Notice

from .helpers import tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAP_TARGET = 44  # px, WCAG 2.5.5


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_officer_searches_ticks_a_filtered_lodging_and_its_owner_receives_it(actors, language):
    ward = f.make_ward()
    beat = Beat.objects.create(ward=ward, name="Phố cổ")
    for n in range(40):
        f.make_establishment(ward=ward, name=f"Nhà nghỉ Số {n}", beat=beat if n < 3 else None)
    hoa_mai = f.make_establishment(ward=ward, name="Khách sạn Hoa Mai")
    f.make_establishment(ward=ward, name="Khách sạn Hoa Hồng")
    omar = f.make_officer(ward=ward, username="omar")
    alice = f.make_staff(establishment=hoa_mai, role=Role.OWNER, username="alice")
    for user in (omar, alice):
        f.enrol_totp(user)
    total = 42

    police = actors("officer", language, phone=True)
    police.log_in("omar", f.PASSWORD, user=omar)
    page = police.page
    police.goto(reverse("wards:notice_new"))
    page.locator("#id_title").fill("Cuộc gọi giả mạo đặt phòng")
    page.locator("#id_body").fill("Không chuyển tiền đặt cọc.")
    search = page.get_by_label(tr(language, "Search the establishments"))
    count = page.locator("[data-count]")
    rows = page.locator("#div_id_establishments .form-check")
    shown = page.locator("#div_id_establishments .form-check:not([hidden])")
    assert rows.count() == total

    def ticked(n: int) -> str:
        return tr(language, "Ticked: %(count)s of %(total)s establishments") % {
            "count": n,
            "total": total,
        }

    assert count.inner_text() == ticked(0)

    def wait_shown(n: int) -> None:
        page.wait_for_function(
            "n => document.querySelectorAll("
            "'#div_id_establishments .form-check:not([hidden])').length === n",
            arg=n,
        )

    # Without accents, in any case: both hotels named Hoa, and none of the guest houses.
    search.fill("khach san HOA")
    wait_shown(2)
    assert sorted(shown.all_inner_texts()) == ["Khách sạn Hoa Hồng", "Khách sạn Hoa Mai"]
    page.get_by_role("button", name=tr(language, "Select all shown")).tap()
    assert count.inner_text() == ticked(2)
    page.get_by_role("button", name=tr(language, "Clear the ticks")).tap()
    assert count.inner_text() == ticked(0)

    search.fill("hoa mai")
    wait_shown(1)
    row = shown.first
    assert row.bounding_box()["height"] >= TAP_TARGET
    row.locator("label").tap()
    assert page.get_by_label("Khách sạn Hoa Mai").is_checked()
    assert count.inner_text() == ticked(1)
    # Ticking chose "chosen establishments" for the officer, or the tick would be ignored.
    assert page.get_by_label(tr(language, "Chosen establishments")).is_checked()

    # Searching again leaves the tick of the box it hides.
    search.fill("nha nghi")
    wait_shown(40)
    assert page.get_by_label("Khách sạn Hoa Mai").is_hidden()
    assert count.inner_text() == ticked(1)
    search.fill("xyz")
    page.get_by_text(tr(language, "No establishment matches.")).wait_for(state="visible")
    search.fill("")
    wait_shown(42)
    beat_row = page.locator("#div_id_beats .form-check").first
    assert beat_row.bounding_box()["height"] >= TAP_TARGET
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")

    police.click(page.get_by_role("button", name=tr(language, "Publish the notice")))
    police.assert_message(tr(language, "The notice was published."))
    notice = Notice.objects.get()
    assert [d.establishment for d in notice.deliveries.all()] == [hoa_mai]

    owner = actors("owner", language, phone=True)
    owner.log_in("alice", f.PASSWORD, user=alice)
    owner.goto(reverse("wards:my_notices"))
    owner.click(owner.page.get_by_role("link", name="Cuộc gọi giả mạo đặt phòng"))
    assert owner.page.get_by_text("Không chuyển tiền đặt cọc.").is_visible()
