from __future__ import annotations

import pytest
from django.urls import reverse

from luutru.models import WardSettingsChange
from tests import factories as f

URL = reverse("wards:settings")


def test_it_shows_the_commander_the_rule_and_the_current_setting(client, cora, ward):
    f.login(client, cora)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["ward"] == ward
    html = response.content.decode()
    assert "47/2014" in html
    assert 'name="remote"' in html


def test_the_commander_marks_the_ward_as_remote(client, cora, ward):
    f.login(client, cora)

    response = client.post(URL, {"remote": "on"})

    assert response.status_code == 302
    assert response.url == URL
    ward.refresh_from_db()
    assert ward.remote is True
    assert ward.foreigner_deadline_hours == 24
    change = WardSettingsChange.objects.get()
    assert (change.ward, change.remote, change.changed_by) == (ward, True, cora)


def test_the_commander_turns_the_remote_flag_off(client, cora, ward):
    ward.remote = True
    ward.save(update_fields=["remote"])
    f.login(client, cora)

    client.post(URL, {})

    ward.refresh_from_db()
    assert ward.remote is False
    assert WardSettingsChange.objects.get().remote is False


def test_saving_without_a_change_leaves_no_trace(client, cora, ward):
    f.login(client, cora)

    client.post(URL, {})

    assert WardSettingsChange.objects.count() == 0


def test_it_lists_recent_changes_with_who_made_them(client, cora, ward):
    f.login(client, cora)
    client.post(URL, {"remote": "on"})

    html = client.get(URL).content.decode()

    assert str(cora) in html


def test_it_checks_ownership(client, cora, carl, ward, other_ward):
    f.login(client, carl)

    # The page takes no ward id; whatever carl sends, he sets his own ward only.
    client.post(URL, {"remote": "on", "ward": ward.pk})

    ward.refresh_from_db()
    other_ward.refresh_from_db()
    assert ward.remote is False
    assert other_ward.remote is True
    assert client.get(URL).context["ward"] == other_ward


@pytest.mark.parametrize("name", ["omar", "alice", "rita", "ivan", "admin_user"])
def test_other_roles_get_a_403(client, request, ward, name):
    f.login(client, request.getfixturevalue(name))

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"remote": "on"}).status_code == 403
    ward.refresh_from_db()
    assert ward.remote is False
