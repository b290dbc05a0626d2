"""The language a person chooses on the site is kept for what the portal writes to them later."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_switching_the_language_while_logged_in_is_remembered(client, alice):
    f.login(client, alice)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    alice.refresh_from_db()
    assert alice.language == "en"


def test_an_unknown_language_changes_nothing(client, alice):
    f.login(client, alice)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    alice.refresh_from_db()
    assert alice.language == ""


def test_switching_before_logging_in_changes_no_account(alice):
    anonymous = Client()
    response = anonymous.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == ""


def test_logging_in_in_a_language_makes_it_the_accounts(alice):
    browser = Client()
    browser.cookies["django_language"] = "en"
    response = browser.post(reverse("login"), {"username": alice.username, "password": f.PASSWORD})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "en"
