"""2FA enforcement per role: the middleware sends whoever owes a second factor to enrol or
verify, and nowhere else."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from luutru.models import BackupCodeDevice, Role
from tests import factories as f

MANDATORY = ["alice", "omar", "cora", "ivan", "admin_user"]


@pytest.mark.parametrize("who", MANDATORY)
def test_it_sends_a_user_without_a_device_to_enrolment(client, request, who):
    user = request.getfixturevalue(who)
    f.login(client, user, verified=False)
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_enrol"))


@pytest.mark.parametrize("who", MANDATORY)
def test_it_sends_an_enrolled_but_unverified_user_to_verification(client, request, who):
    user = request.getfixturevalue(who)
    f.enrol_totp(user)
    f.login(client, user, verified=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_verify"))


def test_it_keeps_an_unverified_admin_out_of_the_django_admin(client, admin_user):
    f.enrol_totp(admin_user)
    f.login(client, admin_user, verified=False)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_verify"))


def test_it_lets_a_verified_admin_into_the_django_admin(client, admin_user):
    f.login(client, admin_user)
    assert client.get("/admin/").status_code == 200


def test_it_sends_an_anonymous_visitor_of_the_admin_to_our_login(client, db):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))


def test_it_requires_a_receptionist_to_enrol_by_default(client, rita):
    f.login(client, rita, verified=False)
    response = client.get(reverse("account"))
    assert response["Location"].startswith(reverse("otp_enrol"))


def test_it_lets_a_receptionist_in_without_2fa_when_the_owner_turned_it_off(
    client, rita, establishment
):
    establishment.receptionist_2fa_required = False
    establishment.save(update_fields=["receptionist_2fa_required"])
    f.login(client, rita, verified=False)
    assert client.get(reverse("account")).status_code == 200


def test_it_never_lets_an_owner_skip_2fa_even_when_the_desk_may(client, alice, establishment):
    establishment.receptionist_2fa_required = False
    establishment.save(update_fields=["receptionist_2fa_required"])
    f.login(client, alice, verified=False)
    assert client.get(reverse("account")).status_code == 302


def test_it_lets_an_unverified_user_log_out(client, omar):
    f.login(client, omar, verified=False)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_enrols_with_a_qr_code_and_a_correct_code(client, omar):
    f.login(client, omar, verified=False)
    page = client.get(reverse("otp_enrol"))
    assert page.status_code == 200
    assert b"<svg" in page.content
    # Showing the key creates nothing: the device exists once a code from it is typed.
    assert not TOTPDevice.objects.filter(user=omar).exists()
    key = f.totp_key_from_page(page)
    key_before = client.session.session_key

    response = client.post(reverse("otp_enrol"), {"token": f.totp_code(TOTPDevice(key=key))})

    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=omar)
    assert device.confirmed and device.key == key
    codes = response.context["codes"]
    assert len(codes) == 10
    # A new session key after the second factor.
    assert client.session.session_key != key_before
    assert client.get(reverse("account")).status_code == 200


def test_it_refuses_enrolment_with_a_wrong_code(client, omar):
    f.login(client, omar, verified=False)
    client.get(reverse("otp_enrol"))
    response = client.post(reverse("otp_enrol"), {"token": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert not TOTPDevice.objects.filter(user=omar).exists()


def test_it_does_not_let_an_enrolled_user_enrol_again_to_skip_verification(client, omar):
    f.enrol_totp(omar)
    f.login(client, omar, verified=False)
    response = client.get(reverse("otp_enrol"))
    assert response["Location"].startswith(reverse("otp_verify"))
    assert TOTPDevice.objects.filter(user=omar).count() == 1


def test_it_verifies_with_the_authenticator_code_and_cycles_the_session(client, omar):
    device = f.enrol_totp(omar)
    f.login(client, omar, verified=False)
    key_before = client.session.session_key
    response = client.post(
        reverse("otp_verify"), {"token": f.totp_code(device), "next": reverse("account")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account")
    assert client.session.session_key != key_before
    assert client.get(reverse("account")).status_code == 200


def test_it_ignores_an_offsite_next(client, omar):
    device = f.enrol_totp(omar)
    f.login(client, omar, verified=False)
    response = client.post(
        reverse("otp_verify"), {"token": f.totp_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_a_backup_code_works_once(client, omar):
    f.enrol_totp(omar)
    backup = BackupCodeDevice.objects.create(user=omar, name="backup")
    codes = backup.generate_codes()
    f.login(client, omar, verified=False)
    assert client.post(reverse("otp_verify"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("account")).status_code == 200

    other = f.login(client.__class__(), omar, verified=False)
    response = other.post(reverse("otp_verify"), {"token": codes[0]})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]


def test_backup_codes_are_stored_hashed(omar):
    backup = BackupCodeDevice.objects.create(user=omar, name="backup")
    codes = backup.generate_codes()
    stored = set(backup.codes.values_list("digest", flat=True))
    assert len(stored) == 10
    for code in codes:
        assert code not in stored
        assert code.replace("-", "") not in stored
        assert backup.digest(code) in stored


def test_a_wrong_totp_code_does_not_verify(client, cora):
    f.enrol_totp(cora)
    f.login(client, cora, verified=False)
    response = client.post(reverse("otp_verify"), {"token": "123456"})
    assert response.status_code == 200
    assert client.get(reverse("home"))["Location"].startswith(reverse("otp_verify"))


def test_each_role_lands_on_its_own_home(client, rita, alice, omar, cora, ivan, sam, admin_user):
    homes = {
        rita: reverse("guests:desk"),
        alice: reverse("establishments:owner_home"),
        omar: reverse("wards:officer_home"),
        cora: reverse("wards:officer_home"),
        ivan: reverse("immigration:queue"),
        sam: reverse("immigration:applications"),
        admin_user: reverse("admin:index"),
    }
    for user, home in homes.items():
        f.login(client, user)
        assert client.get(reverse("home"))["Location"] == home, user.role
        client.logout()


def test_every_role_is_covered_by_a_home(db):
    from luutru.views import ROLE_HOMES

    assert set(ROLE_HOMES) == set(Role)


def test_a_verified_user_who_is_not_an_admin_is_refused_by_the_admin(client, omar):
    f.login(client, omar)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1
