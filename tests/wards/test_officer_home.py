from __future__ import annotations

import pytest
from django.urls import reverse

from establishments.models import Application, ApplicationStatus, Kind
from tests import factories as f

URL = reverse("wards:officer_home")


def make_application(ward, *, status=ApplicationStatus.PENDING, **fields):
    n = Application.objects.count() + 1
    fields.setdefault(
        "refusal_reason", "Sai địa chỉ" if status == ApplicationStatus.REFUSED else ""
    )
    return Application.objects.create(
        name=f"Nhà nghỉ {n}",
        kind=Kind.GUESTHOUSE,
        address=f"{n} Hàng Bè",
        ward=ward,
        room_count=8,
        owner_name="Nguyễn Thị Lan",
        owner_phone="0912345678",
        owner_email=f"lan{n}@example.vn",
        status=status,
        **fields,
    )


def test_it_shows_the_officer_their_ward_and_its_pending_applications(client, omar, ward):
    make_application(ward)
    make_application(ward)
    make_application(ward, status=ApplicationStatus.REFUSED)
    f.login(client, omar)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["ward"] == ward
    assert response.context["pending_applications"] == 2
    assert reverse("establishments:applications") in response.content.decode()
    assert reverse("wards:settings") not in response.content.decode().split("<main")[1]


def test_it_links_the_commander_to_the_ward_settings(client, cora, ward):
    f.login(client, cora)

    response = client.get(URL)

    assert response.status_code == 200
    assert reverse("wards:settings") in response.content.decode().split("<main")[1]


def test_it_checks_ownership(client, omar, otto, ward, other_ward):
    make_application(ward)
    f.login(client, otto)

    response = client.get(URL)

    # There is no ward id to try: otto sees his own ward and nothing of omar's.
    assert response.context["ward"] == other_ward
    assert response.context["pending_applications"] == 0
    assert ward.name not in response.content.decode()


@pytest.mark.parametrize("name", ["alice", "rita", "ivan", "admin_user"])
def test_other_roles_get_a_403(client, request, name):
    f.login(client, request.getfixturevalue(name))

    assert client.get(URL).status_code == 403


def test_an_officer_without_a_ward_gets_a_403(client, db):
    from luutru.models import Role

    f.login(client, f.make_user(role=Role.WARD_OFFICER))

    assert client.get(URL).status_code == 403


def test_it_asks_for_the_second_factor_first(client, omar):
    f.login(client, omar, verified=False)

    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_enrol"))


def test_it_fits_a_phone(client, omar):
    f.login(client, omar)

    html = client.get(URL).content.decode()

    assert 'name="viewport" content="width=device-width' in html
    assert "btn-lg w-100" in html
