"""A form sent back with errors puts the focus on its first bad field, which names its error
for screen readers; not on the page body."""

from __future__ import annotations

from datetime import date

from guests.mrz import build_td3
from tests import factories as f


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
        const el = document.activeElement;
        return {id: el.id, tag: el.tagName, invalid: el.getAttribute('aria-invalid'),
                described: (el.getAttribute('aria-describedby') || '').split(' ')
                    .map(id => document.getElementById(id))
                    .filter(Boolean).map(e => e.textContent.trim()).join(' | ')};
    }"""
    )


def test_the_filing_form_sent_back_focuses_its_first_bad_field(actors) -> None:
    establishment = f.make_establishment(ward=f.make_ward())
    rita = f.make_staff(establishment=establishment, username="rita")
    f.enrol_totp(rita)
    desk = actors("receptionist", "en")
    desk.log_in("rita", f.PASSWORD, user=rita)
    page = desk.page
    desk.goto("/guests/file/foreigner/")
    # The server's checks, not the browser's: the form is sent with its required fields empty.
    page.eval_on_selector("form[method=post]:has(#id_room)", "form => { form.noValidate = true; }")
    page.locator("#id_room").fill("301")
    desk.navigate(lambda: page.locator("#id_room").press("Enter"))

    focused = _focused(page)
    first_bad = page.eval_on_selector(".is-invalid", "el => el.id")
    assert focused["tag"] != "BODY"
    assert focused["id"] == first_bad
    assert focused["invalid"] == "true"
    assert focused["described"]  # the error text is tied to the field


def test_an_unknown_nationality_in_the_zone_is_said_and_the_focus_waits_there(actors) -> None:
    establishment = f.make_establishment(ward=f.make_ward())
    rita = f.make_staff(establishment=establishment, username="rita")
    f.enrol_totp(rita)
    desk = actors("receptionist", "en")
    desk.log_in("rita", f.PASSWORD, user=rita)
    desk.switch_language()
    page = desk.page
    desk.goto("/guests/file/foreigner/")
    page.locator("#id_guest-0-mrz").fill(
        build_td3(
            surname="Specimen",
            given_names="Anna",
            document_number="L898902C3",
            nationality_code="UTO",
            issuing_state="UTO",
            birth_date=date(1974, 8, 12),
            sex="F",
            expiry_date=date(2032, 4, 15),
        )
    )
    desk.navigate(lambda: page.get_by_role("button", name="Fill from MRZ").click())
    assert page.locator("#id_guest-0-full_name").input_value() == "SPECIMEN ANNA"
    focused = _focused(page)
    assert focused["id"] == "id_guest-0-nationality"
    assert "“UTO” is not a country we know" in focused["described"]
