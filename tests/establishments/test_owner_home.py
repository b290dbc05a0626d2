from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f

URL = reverse("establishments:owner_home")


@pytest.mark.django_db
def test_it_shows_the_owners_establishment(client, alice, establishment):
    f.login(client, alice)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert establishment.name in html
    assert establishment.code in html
    assert reverse("establishments:staff") in html


@pytest.mark.django_db
def test_it_checks_ownership(client, bob, establishment, other_establishment):
    f.login(client, bob)
    html = client.get(URL).content.decode()
    assert other_establishment.name in html
    assert establishment.name not in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["rita", "omar"])
def test_it_is_forbidden_to_anyone_but_an_owner(client, who, request):
    f.login(client, request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_an_owner_without_a_second_factor_is_sent_to_enrol(client, alice):
    f.login(client, alice, verified=False)
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_enrol"))
