"""The search boxes above the ward and nationality lists rank exact and prefix matches first and
choose an option only on an exact name, never on a loose match."""

from __future__ import annotations

from tests import factories as f


def _options(page, select: str) -> list[str]:
    return page.eval_on_selector(
        select, "s => Array.from(s.options).filter(o => o.value).map(o => o.text)"
    )


def test_a_loose_ward_match_is_listed_but_not_chosen(actors) -> None:
    """The ward list comes from the server's search as the applicant types, each ward with its
    province; only an exact name is chosen, and a pre-2025 name lists the closest ones."""
    hanoi = f.make_province()
    hoan_kiem = f.make_ward(code=70, name="Phường Hoàn Kiếm", province=hanoi)
    thanh_hoa = f.make_province(code=38, name="Tỉnh Thanh Hóa")
    f.make_ward(code=16000, name="Xã Tiên Trang", province=thanh_hoa)
    f.make_ward(code=9169, name="Phường Kinh Bắc", province=thanh_hoa)
    applicant = actors("applicant", "en")
    page = applicant.page
    applicant.goto("/establishments/apply/")
    applicant.switch_language()
    # The page carries no ward list; the server-side "Find" button is hidden by the script.
    assert _options(page, "#id_ward") == []
    assert not page.get_by_role("button", name="Find the ward").is_visible()
    search = page.get_by_label("Search for a ward")

    search.fill("Tràng Tiền")
    page.wait_for_function("() => document.querySelector('#id_ward').options.length === 2")
    assert _options(page, "#id_ward") == ["Xã Tiên Trang — Tỉnh Thanh Hóa"]
    assert page.locator("#id_ward").input_value() == ""

    search.fill("Hàng Bạc")
    page.get_by_text("the closest names are listed").wait_for()
    assert _options(page, "#id_ward") == ["Phường Kinh Bắc — Tỉnh Thanh Hóa"]
    assert page.locator("#id_ward").input_value() == ""

    search.fill("hoan kiem")
    page.wait_for_function(
        "v => document.querySelector('#id_ward').value === v", arg=str(hoan_kiem.pk)
    )
    assert _options(page, "#id_ward") == ["Phường Hoàn Kiếm — Thành phố Hà Nội"]


def test_the_nationality_search_finds_codes_english_names_and_vietnamese_names(actors) -> None:
    establishment = f.make_establishment(ward=f.make_ward())
    rita = f.make_staff(establishment=establishment, username="rita")
    f.enrol_totp(rita)
    desk = actors("receptionist", "vi")
    desk.log_in("rita", f.PASSWORD, user=rita)
    page = desk.page
    desk.goto("/guests/file/foreigner/")
    search = page.get_by_label("Tìm quốc tịch")
    select = "#id_guest-0-nationality"

    for typed, expected in [
        ("KOR", "KR"),
        ("deu", "DE"),
        ("germany", "DE"),
        ("han quoc", "KR"),
    ]:
        search.fill(typed)
        page.wait_for_function(
            f"() => document.querySelector('{select}').value === '{expected}'", timeout=3000
        )
    # "korea" is a word of two countries' English names: both listed, neither chosen for the desk.
    page.select_option(select, "")
    search.fill("korea")
    page.wait_for_function(f"() => document.querySelector('{select}').options.length <= 3")
    assert page.locator(select).input_value() == ""
    assert sorted(_options(page, select)) == ["Bắc Triều Tiên", "Hàn Quốc"]
    # A loose match of letters inside a word finds nothing: "han" is not in "Afghanistan".
    search.fill("han quoc")
    assert "Afghanistan" not in " ".join(_options(page, select))
