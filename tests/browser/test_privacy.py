"""What the browser is given to keep, beyond the journeys' own checks (conftest.Actor
.assert_holds_no_personal_data): the flash messages that name guests."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from django.contrib.messages.storage.cookie import CookieStorage, MessageSerializer
from django.core import signing

from tests import factories as f

from .helpers import FLASH_COOKIE, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def flash_messages(set_cookies: list[str]) -> list[str]:
    """The text of every flash message the server stored in a cookie."""
    signer = signing.get_cookie_signer(salt=CookieStorage.key_salt)
    texts = []
    for pair in set_cookies:
        cookie = SimpleCookie()
        cookie.load(pair)
        morsel = cookie.get(FLASH_COOKIE)
        if morsel is None or not morsel.value:
            continue
        try:
            stored = signer.unsign_object(morsel.value, serializer=MessageSerializer)
        except signing.BadSignature:
            texts.append(morsel.value)
            continue
        texts += [message.message for message in stored if hasattr(message, "message")]
    return texts


def test_a_filing_message_naming_the_guest_stays_on_the_server(actors):
    establishment = f.make_establishment(ward=f.make_ward())
    rita = f.make_staff(establishment=establishment, username="rita")
    f.enrol_totp(rita)

    desk = actors("receptionist", "en")
    desk.log_in("rita", f.PASSWORD, user=rita)
    page = desk.page
    desk.goto("/guests/file/citizen/")
    page.locator("#id_guest-0-full_name").fill("Trần Thị Bình")
    page.locator("#id_guest-0-sex").select_option("F")
    page.locator("#id_guest-0-birth_date").fill("1992-03-14")
    page.locator("#id_guest-0-document_number").fill("001192012345")
    page.locator("#id_room").fill("302")
    desk.click(page.locator("main button[value=file]").last)
    desk.assert_message(
        tr("en", "Filed: %(names)s, room %(room)s.", names="Trần Thị Bình", room="302")
    )

    in_cookies = flash_messages(desk.set_cookies)
    assert not [text for text in in_cookies if "Bình" in text], in_cookies
