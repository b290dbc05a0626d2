from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from establishments.models import ApplicationStatus, Establishment, Staff, Status
from luutru.models import Role, User
from tests import factories as f

from .helpers import links_in, make_application


@pytest.fixture
def application(ward):
    return make_application(ward=ward, name="Nhà nghỉ Hoa Sen", owner_email="minh@example.vn")


def url(application) -> str:
    return reverse("establishments:approve", args=[application.pk])


@pytest.mark.django_db
def test_it_opens_the_establishment_with_an_owner_and_a_front_desk_account(
    client, omar, application, ward
):
    f.login(client, omar)
    response = client.post(url(application), {"confirmed": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("establishments:applications")

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.decided_by == omar
    assert application.decided_at is not None

    establishment = Establishment.objects.get(application=application)
    assert establishment.status == Status.ACTIVE
    assert establishment.code == f"{ward.code}-0001"
    assert establishment.name == "Nhà nghỉ Hoa Sen"
    assert establishment.ward == ward

    staff = Staff.objects.filter(establishment=establishment).select_related("user")
    accounts = {member.user.role: member.user for member in staff}
    assert set(accounts) == {Role.OWNER, Role.RECEPTIONIST}
    owner, desk = accounts[Role.OWNER], accounts[Role.RECEPTIONIST]
    assert owner.username == f"{establishment.code}-owner"
    assert desk.username == f"{establishment.code}-desk"
    assert owner.full_name == application.owner_name
    assert owner.email == "minh@example.vn"
    assert owner.phone == application.owner_phone
    assert not owner.has_usable_password()
    assert not desk.has_usable_password()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["minh@example.vn"]
    assert len(links_in(mail.outbox[0].body)) == 2

    html = response.content.decode()
    assert owner.username in html
    assert desk.username in html


@pytest.mark.django_db
def test_it_numbers_establishments_within_the_ward(client, omar, ward):
    f.login(client, omar)
    first = make_application(ward=ward, name="Một")
    second = make_application(ward=ward, name="Hai")
    client.post(url(first), {"confirmed": "yes"})
    client.post(url(second), {"confirmed": "yes"})
    codes = sorted(Establishment.objects.values_list("code", flat=True))
    assert codes == [f"{ward.code}-0001", f"{ward.code}-0002"]


@pytest.mark.django_db
def test_approving_twice_opens_one_establishment(client, omar, cora, application):
    f.login(client, omar)
    client.post(url(application), {"confirmed": "yes"})
    other = f.login(type(client)(), cora)
    response = other.post(url(application), {"confirmed": "yes"}, follow=True)
    assert "already been decided" in response.content.decode()
    assert Establishment.objects.filter(application=application).count() == 1
    owners = User.objects.filter(role=Role.OWNER, staff__establishment__application=application)
    assert owners.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_refused_application_cannot_be_approved(client, omar, application):
    application.status = ApplicationStatus.REFUSED
    application.refusal_reason = "Wrong ward"
    application.save()
    f.login(client, omar)
    client.post(url(application), {"confirmed": "yes"})
    assert not Establishment.objects.exists()


@pytest.mark.django_db
def test_it_answers_only_to_post(client, omar, application):
    f.login(client, omar)
    assert client.get(url(application)).status_code == 405
    assert not Establishment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["otto", "carl"])
def test_it_checks_ownership(client, who, request, application):
    f.login(client, request.getfixturevalue(who))
    assert client.post(url(application)).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    assert not Establishment.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "rita"])
def test_it_is_forbidden_to_the_establishments(client, who, request, application):
    f.login(client, request.getfixturevalue(who))
    assert client.post(url(application)).status_code == 403
    assert not Establishment.objects.filter(application=application).exists()


@pytest.mark.django_db
def test_the_button_asks_for_confirmation_and_opens_nothing(client, omar, application):
    f.login(client, omar)
    response = client.post(url(application))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nhà nghỉ Hoa Sen" in html
    assert 'name="confirmed" value="yes"' in html
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    assert not Establishment.objects.filter(application=application).exists()
    assert mail.outbox == []
