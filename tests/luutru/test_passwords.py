from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from luutru.accounts import set_password_path
from tests import factories as f


def test_a_set_password_link_works_once(client, omar):
    omar.set_unusable_password()
    omar.save(update_fields=["password"])
    link = set_password_path(omar)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    url = form_page.redirect_chain[-1][0]
    new = "a long new passphrase 2026"
    done = client.post(url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    omar.refresh_from_db()
    assert omar.check_password(new)

    again = client.get(link, follow=True)
    assert not again.context["validlink"]


def test_password_reset_sends_a_link_by_email(client, omar):
    omar.email = "omar@police.example.vn"
    omar.save(update_fields=["email"])
    client.post(reverse("password_reset"), {"email": "omar@police.example.vn"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    assert page.context["validlink"]


def test_password_reset_answers_the_same_for_an_unknown_address(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


def test_password_change_needs_the_old_password(client, omar):
    f.login(client, omar)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x" * 12, "new_password2": "x" * 12},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    new = "another long passphrase"
    response = client.post(
        reverse("password_change"),
        {"old_password": f.PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    omar.refresh_from_db()
    assert omar.check_password(new)


def test_an_account_that_never_set_its_password_can_ask_for_a_new_link(client, alice):
    # The owner lost the one-time link sent at approval.
    alice.email = "owner@khachsan.example.vn"
    alice.set_unusable_password()
    alice.save(update_fields=["email", "password"])
    client.post(reverse("password_reset"), {"email": "OWNER@khachsan.example.vn"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    assert client.get(link, follow=True).context["validlink"]


def test_a_disabled_account_gets_no_reset_link(client, alice):
    alice.email = "owner@khachsan.example.vn"
    alice.save(update_fields=["email"])
    alice.disable()
    client.post(reverse("password_reset"), {"email": "owner@khachsan.example.vn"})
    assert len(mail.outbox) == 0
