"""Moving 2FA to another phone from a logged-in session (issue: security, item 6).

Before: a verified session that opened /accounts/2fa/enrol/ got a new device created by the
GET, and the code of that device alone replaced the account's authenticator: whoever found a
desk PC left logged in could take the account's second factor. After: nothing is created before
a code confirms it, and replacing one takes the password and a code of the current one (or a
backup code)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from luutru import throttle
from luutru.models import BackupCodeDevice
from tests import factories as f

ENROL = reverse("otp_enrol")


@pytest.fixture
def enrolled(client, alice):
    device = f.enrol_totp(alice)
    f.login(client, alice)
    return device


def new_code(page) -> str:
    return f.totp_code(TOTPDevice(key=f.totp_key_from_page(page)))


def test_opening_the_page_creates_no_device(client, alice, enrolled):
    for _n in range(3):
        assert client.get(ENROL).status_code == 200
    assert list(TOTPDevice.objects.filter(user=alice)) == [enrolled]


def test_the_new_code_alone_does_not_replace_the_authenticator(client, alice, enrolled):
    page = client.get(ENROL)
    response = client.post(ENROL, {"token": new_code(page)})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"password", "current_token"}
    assert list(TOTPDevice.objects.filter(user=alice)) == [enrolled]


def test_a_wrong_password_is_refused_and_counted_as_a_failed_login(client, alice, enrolled):
    page = client.get(ENROL)
    data = {"password": "not it", "current_token": f.totp_code(enrolled), "token": new_code(page)}
    response = client.post(ENROL, data)
    assert response.context["form"].errors["password"]
    assert list(TOTPDevice.objects.filter(user=alice)) == [enrolled]
    failures = throttle.read(throttle.LOGIN_ACCOUNT, "alice", window=timedelta(days=1)).count
    assert failures == 1


def test_a_wrong_current_code_is_refused(client, alice, enrolled):
    page = client.get(ENROL)
    data = {"password": f.PASSWORD, "current_token": "000000", "token": new_code(page)}
    response = client.post(ENROL, data)
    assert response.context["form"].errors["current_token"]
    assert list(TOTPDevice.objects.filter(user=alice)) == [enrolled]


def test_the_password_and_the_current_code_move_it_to_the_new_phone(client, alice, enrolled):
    page = client.get(ENROL)
    assert page.context["replacing"]
    data = {"password": f.PASSWORD, "current_token": f.totp_code(enrolled), "token": new_code(page)}
    response = client.post(ENROL, data)
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    (device,) = TOTPDevice.objects.filter(user=alice)
    assert device.pk != enrolled.pk
    assert device.key == f.totp_key_from_page(page)
    assert device.confirmed


def test_a_backup_code_stands_in_for_the_lost_phone(client, alice, enrolled):
    backup = BackupCodeDevice.objects.create(user=alice, name="codes")
    code = backup.generate_codes()[0]
    page = client.get(ENROL)
    data = {"password": f.PASSWORD, "current_token": code, "token": new_code(page)}
    assert client.post(ENROL, data).status_code == 200
    (device,) = TOTPDevice.objects.filter(user=alice)
    assert device.pk != enrolled.pk
