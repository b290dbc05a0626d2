from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f


@pytest.mark.parametrize(
    "model", ["province", "ward", "officer", "immigrationofficer", "wardsettingschange"]
)
def test_the_site_admin_lists_each_ward_model(client, admin_user, omar, ivan, model):
    f.login(client, admin_user)

    response = client.get(reverse(f"admin:luutru_{model}_changelist"))

    assert response.status_code == 200


def test_the_settings_trail_cannot_be_edited_in_the_admin(client, admin_user, cora, ward):
    from luutru.geography import set_ward_remote

    set_ward_remote(ward=ward, remote=True, by=cora)
    f.login(client, admin_user)

    assert client.get(reverse("admin:luutru_wardsettingschange_add")).status_code == 403
