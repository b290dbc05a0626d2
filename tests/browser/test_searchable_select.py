"""The search boxes above the ward and nationality lists rank exact and prefix matches first and
choose an option only on an exact name, never on a loose match."""

from __future__ import annotations

from tests import factories as f


def _options(page, select: str) -> list[str]:
    return page.eval_on_selector(
        select, "s => Array.from(s.options).filter(o => o.value).map(o => o.text)"
    )


def test_a_loose_ward_match_is_listed_but_not_chosen(actors) -> None:
    hanoi = f.make_province()
    f.make_ward(code=70, name="Phường Hoàn Kiếm", province=hanoi)
    thanh_hoa = f.make_province(code=38, name="Tỉnh Thanh Hóa")
    f.make_ward(code=16000, name="Xã Tiên Trang", province=thanh_hoa)
    applicant = actors("applicant", "en")
    page = applicant.page
    applicant.goto("/establishments/apply/")
    applicant.switch_language()
    search = page.get_by_label("Search for a ward")

    search.fill("Tràng Tiền")
    page.wait_for_function("() => document.querySelector('#id_ward').options.length <= 2")
    assert _options(page, "#id_ward") == ["Xã Tiên Trang"]
    assert page.locator("#id_ward").input_value() == ""

    search.fill("hoan kiem")
    page.wait_for_function("() => document.querySelector('#id_ward').value !== ''")
    assert _options(page, "#id_ward")[0] == "Phường Hoàn Kiếm"
