from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from establishments.models import Staff
from luutru.models import BackupCodeDevice, Role, User
from tests import factories as f

from .helpers import links_in

URL = reverse("establishments:staff")


def action(name: str, user: User) -> str:
    return reverse(f"establishments:{name}", args=[user.staff.pk])


def log_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.fixture
def owner_client(client, alice):
    return f.login(client, alice)


# --- the list ---


@pytest.mark.django_db
def test_it_lists_the_accounts_of_the_establishment(owner_client, alice, rita, bob, ron):
    response = owner_client.get(URL)
    assert response.status_code == 200
    members = [member.user for member in response.context["members"]]
    assert members == [alice, rita]
    html = response.content.decode()
    assert ">rita<" in html
    assert ">ron<" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["rita", "omar"])
def test_it_is_forbidden_to_anyone_but_an_owner(client, who, request):
    f.login(client, request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


# --- adding a receptionist ---


@pytest.mark.django_db
def test_an_owner_adds_a_receptionist_who_gets_a_link_by_email(owner_client, alice, establishment):
    response = owner_client.post(
        reverse("establishments:staff_add"),
        {"full_name": "  Lê  Thu ", "username": "thu", "email": "thu@example.vn"},
    )
    assert response.status_code == 302
    thu = User.objects.get(username="thu")
    assert thu.role == Role.RECEPTIONIST
    assert thu.full_name == "Lê Thu"
    assert not thu.has_usable_password()
    assert thu.staff.establishment == establishment
    assert thu.staff.created_by == alice
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["thu@example.vn"]
    assert len(links_in(mail.outbox[0].body)) == 1
    page = owner_client.get(URL)
    assert page.context["issued_link"] is None


@pytest.mark.django_db
def test_without_an_email_the_owner_sees_the_link_once(owner_client):
    owner_client.post(
        reverse("establishments:staff_add"), {"full_name": "Lê Thu", "username": "thu"}
    )
    assert mail.outbox == []
    page = owner_client.get(URL)
    link = page.context["issued_link"]["url"]
    assert link in page.content.decode()
    assert owner_client.get(URL).context["issued_link"] is None
    assert Client().get(urlsplit(link).path, follow=True).context["validlink"]


@pytest.mark.django_db
def test_adding_a_receptionist_shows_field_errors(owner_client, rita):
    response = owner_client.post(
        reverse("establishments:staff_add"),
        {"full_name": "", "username": "RITA", "email": "not-an-address"},
    )
    assert response.status_code == 400
    assert set(response.context["add_form"].errors) == {"full_name", "username", "email"}
    assert 'value="RITA"' in response.content.decode()


@pytest.mark.django_db
def test_the_names_of_issued_accounts_are_kept_for_the_police(owner_client):
    response = owner_client.post(
        reverse("establishments:staff_add"), {"full_name": "X", "username": "70-0009-desk"}
    )
    assert "username" in response.context["add_form"].errors


# --- disabling and enabling ---


@pytest.mark.django_db
def test_disabling_a_receptionist_ends_their_session(owner_client, rita):
    rita_client = f.login(Client(), rita)
    assert rita_client.get(reverse("guests:desk")).status_code == 200

    response = owner_client.post(action("staff_disable", rita), {"confirmed": "yes"})
    assert response.status_code == 302
    rita.refresh_from_db()
    assert not rita.is_active

    response = rita_client.get(reverse("guests:desk"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_a_disabled_receptionist_can_be_enabled_again(owner_client, rita):
    owner_client.post(action("staff_disable", rita), {"confirmed": "yes"})
    owner_client.post(action("staff_enable", rita))
    rita.refresh_from_db()
    assert rita.is_active
    assert log_in(Client(), "rita", f.PASSWORD).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["staff_disable", "staff_enable", "staff_reset_password", "staff_reset_second_factor"]
)
def test_an_owner_cannot_act_on_an_owner_not_even_themselves(owner_client, alice, name):
    other_owner = f.make_staff(establishment=alice.staff.establishment, role=Role.OWNER)
    for target in (alice, other_owner):
        assert owner_client.post(action(name, target)).status_code == 403
        target.refresh_from_db()
        assert target.is_active
        assert target.has_usable_password()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["staff_disable", "staff_enable", "staff_reset_password", "staff_reset_second_factor"]
)
def test_it_checks_ownership(owner_client, ron, name):
    f.enrol_totp(ron)
    assert owner_client.post(action(name, ron)).status_code == 404
    ron.refresh_from_db()
    assert ron.is_active
    assert ron.has_usable_password()
    assert TOTPDevice.objects.filter(user=ron).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["staff_disable", "staff_enable", "staff_reset_password", "staff_reset_second_factor"]
)
def test_the_actions_answer_only_to_post(owner_client, rita, name):
    assert owner_client.get(action(name, rita)).status_code == 405


@pytest.mark.django_db
def test_a_receptionist_cannot_manage_colleagues(client, rita, establishment):
    colleague = f.make_staff(establishment=establishment)
    f.login(client, rita)
    assert client.post(action("staff_disable", colleague)).status_code == 403


# --- passwords and second factors ---


@pytest.mark.django_db
def test_resetting_a_password_issues_a_new_link_and_logs_the_receptionist_out(owner_client, rita):
    rita.email = "rita@example.vn"
    rita.save()
    rita_client = f.login(Client(), rita)

    owner_client.post(action("staff_reset_password", rita))
    rita.refresh_from_db()
    assert not rita.has_usable_password()
    assert log_in(Client(), "rita", f.PASSWORD).status_code == 200  # the form again
    assert rita_client.get(reverse("guests:desk")).status_code == 302
    assert len(mail.outbox) == 1
    (link,) = links_in(mail.outbox[0].body)
    assert Client().get(urlsplit(link).path, follow=True).context["validlink"]


@pytest.mark.django_db
def test_resetting_a_password_without_an_email_shows_the_link_once(owner_client, rita):
    owner_client.post(action("staff_reset_password", rita))
    assert mail.outbox == []
    assert owner_client.get(URL).context["issued_link"]["username"] == "rita"


@pytest.mark.django_db
def test_resetting_the_second_factor_forgets_the_devices(owner_client, rita):
    f.enrol_totp(rita)
    backup = BackupCodeDevice.objects.create(user=rita, name="Backup codes")
    backup.generate_codes()
    rita_client = f.login(Client(), rita)

    owner_client.post(action("staff_reset_second_factor", rita), {"confirmed": "yes"})
    assert not TOTPDevice.objects.filter(user=rita).exists()
    assert not BackupCodeDevice.objects.filter(user=rita).exists()
    assert rita_client.get(reverse("guests:desk")).status_code == 302

    # At the next login rita enrols again.
    f.login(rita_client, rita, verified=False)
    response = rita_client.get(reverse("guests:desk"))
    assert response.url.startswith(reverse("otp_enrol"))


# --- the front desk's second factor ---


@pytest.mark.django_db
def test_the_owner_lets_receptionists_log_in_without_a_second_factor(
    owner_client, rita, establishment
):
    rita_client = f.login(Client(), rita, verified=False)
    assert rita_client.get(reverse("guests:desk")).status_code == 302

    owner_client.post(reverse("establishments:staff_two_factor"), {})
    establishment.refresh_from_db()
    assert not establishment.receptionist_2fa_required
    assert rita_client.get(reverse("guests:desk")).status_code == 200

    owner_client.post(
        reverse("establishments:staff_two_factor"), {"receptionist_2fa_required": "on"}
    )
    establishment.refresh_from_db()
    assert establishment.receptionist_2fa_required


@pytest.mark.django_db
def test_the_toggle_only_touches_the_owners_establishment(owner_client, other_establishment):
    owner_client.post(reverse("establishments:staff_two_factor"), {})
    other_establishment.refresh_from_db()
    assert other_establishment.receptionist_2fa_required


@pytest.mark.django_db
def test_a_receptionist_cannot_turn_the_second_factor_off(client, rita, establishment):
    f.login(client, rita)
    assert client.post(reverse("establishments:staff_two_factor"), {}).status_code == 403
    establishment.refresh_from_db()
    assert establishment.receptionist_2fa_required


@pytest.mark.django_db
def test_the_staff_page_runs_a_fixed_number_of_queries(
    owner_client, establishment, django_assert_max_num_queries
):
    for _n in range(10):
        f.make_staff(establishment=establishment)
    with django_assert_max_num_queries(12):
        owner_client.get(URL)
    assert Staff.objects.filter(establishment=establishment).count() == 11


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["staff_disable", "staff_reset_second_factor"])
def test_disabling_and_resetting_two_factor_ask_for_confirmation_first(owner_client, rita, name):
    f.enrol_totp(rita)
    response = owner_client.post(action(name, rita))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="confirmed" value="yes"' in html
    assert f'action="{action(name, rita)}"' in html
    assert "rita" in html
    rita.refresh_from_db()
    assert rita.is_active
    assert TOTPDevice.objects.filter(user=rita).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["staff_disable", "staff_reset_second_factor"])
def test_the_confirmation_checks_ownership(owner_client, ron, name):
    response = owner_client.post(action(name, ron), {"confirmed": "yes"})
    assert response.status_code == 404
    assert owner_client.post(action(name, ron)).status_code == 404
    ron.refresh_from_db()
    assert ron.is_active
