from __future__ import annotations

import pytest
from django.urls import reverse

from luutru.models import Province
from tests import factories as f

URL = reverse("wards:immigration_home")


def test_it_shows_the_immigration_officer_their_province(client, ivan, ward):
    f.login(client, ivan)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["province"] == ward.province
    assert "Thành phố Hà Nội" in response.content.decode()


def test_it_checks_ownership(client, db):
    hue = Province.objects.create(
        code=46, name="Thành phố Huế", division_type="thành phố trung ương", codename="hue"
    )
    f.login(client, f.make_immigration_officer(province=hue))

    response = client.get(URL)

    assert response.context["province"] == hue
    assert "Hà Nội" not in response.content.decode()


@pytest.mark.parametrize("name", ["alice", "rita", "omar", "cora", "admin_user"])
def test_other_roles_get_a_403(client, request, name):
    f.login(client, request.getfixturevalue(name))

    assert client.get(URL).status_code == 403
