"""The front desk's old address: the desk moved to guests:desk."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f

OLD = reverse("establishments:desk")


@pytest.mark.django_db
def test_the_old_address_sends_the_desk_to_its_new_one_with_the_query(client, rita):
    f.login(client, rita)
    response = client.get(OLD + "?room=101")
    assert response.status_code == 301
    assert response["Location"] == reverse("guests:desk") + "?room=101"
    assert "101" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_old_address_refuses_whom_the_desk_refuses(client, omar):
    f.login(client, omar)
    assert client.get(OLD).status_code == 403
