"""Password guessing, tried as an attacker would (issue: login throttling that holds).

Before: django-axes with AXES_RESET_ON_SUCCESS reset an address's failures for every account on
one correct login from it, so four wrong passwords for A and one right one for B, repeated,
never slowed the guessing of A; and five failures from five addresses locked any account for
15 minutes. After: luutru.throttle (per-account growing delay, per-address limit)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from luutru import throttle
from luutru.models import Role, TrustedBrowser
from tests import factories as f

LOGIN = reverse("login")


def post_login(client: Client, username: str, password: str, **data):
    return client.post(LOGIN, {"username": username, "password": password, **data})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def without_csrf_tokens(html: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())


@pytest.fixture(autouse=True)
def minute_long_waits(settings):
    # Long enough that no test races the clock between two requests.
    settings.LOGIN_FREE_FAILURES = 3
    settings.LOGIN_DELAY_BASE = timedelta(minutes=1)
    settings.LOGIN_DELAY_MAX = timedelta(minutes=15)


@pytest.fixture
def victim(db):
    return f.make_user(role=Role.WARD_OFFICER, username="victim")


@pytest.fixture
def attacker_account(db):
    return f.make_user(role=Role.WARD_OFFICER, username="mallory")


def test_a_correct_login_of_another_account_does_not_clear_an_accounts_failures(
    victim, attacker_account
):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    rounds = []
    for _round in range(3):
        rounds.append([post_login(attacker, "victim", "guess").status_code for _n in range(4)])
        own = post_login(Client(REMOTE_ADDR="203.0.113.9"), "mallory", f.PASSWORD)
        assert own.status_code == 302
    # After the fourth failure the victim's password is not checked any more, whatever
    # mallory's own logins from the same address.
    assert rounds == [[200, 200, 200, 200], [429] * 4, [429] * 4]
    response = post_login(attacker, "victim", "guess")
    assert 0 < int(response["Retry-After"]) <= 60


def test_a_success_clears_the_accounts_own_count_but_not_the_addresss(victim):
    address = "198.51.100.20"
    for _guess in range(3):
        post_login(Client(REMOTE_ADDR=address), "victim", "typo")
    assert post_login(Client(REMOTE_ADDR=address), "victim", f.PASSWORD).status_code == 302
    counters = {
        scope: throttle.read(scope, key, window=timedelta(days=1)).count
        for scope, key in [(throttle.LOGIN_ACCOUNT, "victim"), (throttle.LOGIN_ADDRESS, address)]
    }
    assert counters == {throttle.LOGIN_ACCOUNT: 0, throttle.LOGIN_ADDRESS: 3}


def test_the_wait_doubles_with_each_failure_after_the_free_ones(settings):
    settings.LOGIN_FREE_FAILURES = 3
    settings.LOGIN_DELAY_BASE = timedelta(seconds=2)
    settings.LOGIN_DELAY_MAX = timedelta(minutes=15)
    waits = [throttle.account_delay(n).total_seconds() for n in range(1, 16)]
    assert waits == [0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]


def test_during_the_wait_no_password_is_checked_and_both_answers_are_the_same(victim):
    for n in range(6):
        post_login(Client(REMOTE_ADDR=f"10.2.0.{n}"), "victim", "wrong")
    right = post_login(Client(REMOTE_ADDR="10.3.0.1"), "victim", f.PASSWORD)
    wrong = post_login(Client(REMOTE_ADDR="10.3.0.2"), "victim", "still wrong")
    assert right.status_code == wrong.status_code == 429
    assert without_csrf_tokens(right.content) == without_csrf_tokens(wrong.content)


def test_the_right_password_gets_in_once_the_wait_is_over(victim):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(6):
            post_login(Client(REMOTE_ADDR=f"10.4.0.{n}"), "victim", "wrong")
        assert post_login(Client(), "victim", f.PASSWORD).status_code == 429
    # The fourth failure asked for a minute; the guesses after it were refused unchecked and
    # did not count.
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        assert post_login(Client(), "victim", f.PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert post_login(Client(), "victim", f.PASSWORD).status_code == 302


def test_failures_from_many_addresses_do_not_keep_the_owner_out(establishment):
    owner = f.make_staff(establishment=establishment, role=Role.OWNER, username="owner1")
    device = f.enrol_totp(owner)
    own_desk = Client(REMOTE_ADDR="192.0.2.50")
    assert post_login(own_desk, "owner1", f.PASSWORD).status_code == 302

    # A botnet: twenty addresses, one guess each.
    for n in range(20):
        post_login(Client(REMOTE_ADDR=f"10.5.0.{n}"), "owner1", "guess")

    # A new browser is asked to wait, and offered the second factor.
    stranger = Client(REMOTE_ADDR="192.0.2.60", HTTP_ACCEPT_LANGUAGE="en")
    response = post_login(stranger, "owner1", f.PASSWORD)
    assert response.status_code == 429
    assert "Too many failed log-in attempts for this account" in response.content.decode()
    assert 'name="token"' in response.content.decode()
    assert not logged_in(stranger)

    # The password and a current code together get in at once, past the second factor too.
    response = post_login(stranger, "owner1", f.PASSWORD, token=f.totp_code(device))
    assert response.status_code == 302
    assert logged_in(stranger)
    assert stranger.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    # The browser the owner used before gets in with the password alone.
    own_desk.post(reverse("logout"))
    assert post_login(own_desk, "owner1", f.PASSWORD).status_code == 302


def test_a_wrong_code_during_the_wait_is_a_failure_like_any_other(establishment):
    owner = f.make_staff(establishment=establishment, role=Role.OWNER, username="owner2")
    f.enrol_totp(owner)
    for n in range(6):
        post_login(Client(REMOTE_ADDR=f"10.6.0.{n}"), "owner2", "guess")
    client = Client()
    response = post_login(client, "owner2", f.PASSWORD, token="000000")
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]
    assert not logged_in(client)


def test_a_trusted_browser_loses_its_trust_after_five_wrong_passwords(victim):
    browser = Client(REMOTE_ADDR="192.0.2.70")
    assert post_login(browser, "victim", f.PASSWORD).status_code == 302
    browser.post(reverse("logout"))
    assert TrustedBrowser.objects.filter(user=victim).count() == 1
    for _guess in range(5):
        post_login(browser, "victim", "wrong")
    assert not TrustedBrowser.objects.filter(user=victim).exists()
    assert post_login(browser, "victim", f.PASSWORD).status_code == 429


def test_the_browser_cookie_holds_a_random_id_and_the_table_only_its_digest(victim):
    browser = Client()
    post_login(browser, "victim", f.PASSWORD)
    cookie = browser.cookies[throttle.BROWSER_COOKIE]
    assert cookie["httponly"]
    assert "victim" not in cookie.value
    stored = TrustedBrowser.objects.get(user=victim)
    assert stored.browser_hash != cookie.value


def test_an_address_is_paused_after_the_limit_with_any_usernames(settings, victim):
    settings.LOGIN_ADDRESS_LIMIT = 10
    attacker = Client(REMOTE_ADDR="203.0.113.10")
    for n in range(10):
        post_login(attacker, f"guess-{n}", "wrong")
    response = post_login(attacker, "victim", f.PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 15 * 60
    # Someone else, from elsewhere, is not affected.
    assert post_login(Client(REMOTE_ADDR="198.51.100.7"), "victim", f.PASSWORD).status_code == 302


def test_a_paused_unknown_username_looks_like_a_known_one(victim):
    answers = []
    for username in ("victim", "nobody-here"):
        for n in range(6):
            post_login(Client(REMOTE_ADDR=f"10.7.{len(answers)}.{n}"), username, "wrong")
        answers.append(post_login(Client(REMOTE_ADDR="10.9.9.9"), username, "wrong"))
    assert answers[0].status_code == answers[1].status_code == 429
    # The same page, but for the name typed back into its box.
    pages = [
        without_csrf_tokens(answer.content).replace(f'value="{name}"', 'value=""')
        for answer, name in zip(answers, ("victim", "nobody-here"), strict=True)
    ]
    assert pages[0] == pages[1]


def test_the_throttle_counts_the_address_the_proxy_saw_not_what_the_client_wrote(settings, victim):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_ADDRESS_LIMIT = 5
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    # The attacker writes a new X-Forwarded-For each time; the proxy appends the real address.
    for n in range(5):
        forwarded = f"198.18.0.{n}, 203.0.113.11"
        post_login(Client(HTTP_X_FORWARDED_FOR=forwarded, **proxy), f"guess-{n}", "wrong")
    paused = Client(HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.11", **proxy)
    assert post_login(paused, "victim", f.PASSWORD).status_code == 429
    elsewhere = Client(HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
    assert post_login(elsewhere, "victim", f.PASSWORD).status_code == 302


# --- password resets ----------------------------------------------------------------------------


def test_password_resets_are_limited_per_address_with_a_visible_refusal(settings, victim):
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.12", HTTP_ACCEPT_LANGUAGE="en")
    for n in range(3):
        response = client.post(reverse("password_reset"), {"email": f"someone{n}@example.vn"})
        assert response.status_code == 302
    response = client.post(reverse("password_reset"), {"email": "victim@example.vn"})
    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    assert int(response["Retry-After"]) <= 3600


def test_password_resets_are_limited_per_account_without_telling(settings, victim):
    settings.PASSWORD_RESET_ACCOUNT_LIMIT = 2
    victim.email = "victim@example.vn"
    victim.save(update_fields=["email"])
    for n in range(4):
        response = Client(REMOTE_ADDR=f"10.8.0.{n}").post(
            reverse("password_reset"), {"email": "Victim@example.vn"}
        )
        # The same answer every time: nobody learns that the address has an account.
        assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 2
