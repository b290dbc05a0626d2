from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f

URL = reverse("establishments:desk")


@pytest.mark.django_db
def test_it_shows_the_receptionists_establishment(client, rita, establishment):
    f.login(client, rita)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert establishment.name in html


@pytest.mark.django_db
def test_it_checks_ownership(client, ron, establishment, other_establishment):
    f.login(client, ron)
    html = client.get(URL).content.decode()
    assert other_establishment.name in html
    assert establishment.name not in html


@pytest.mark.django_db
def test_it_is_forbidden_to_the_police(client, omar):
    f.login(client, omar)
    assert client.get(URL).status_code == 403
