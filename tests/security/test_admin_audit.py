"""The Django admin as a site admin past the second factor sees it: no guest's declaration,
no one's second-factor key, no search of guests' data, no ward setting changed without its
history row."""

from __future__ import annotations

import base64

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import ForeignObjectRel
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from luutru.models import BackupCodeDevice, Ward, WardSettingsChange
from tests import factories as f
from tests.security.conftest import CITIZEN_NUMBER, PASSPORT_NUMBER


@pytest.fixture
def root(client, admin_user):
    return f.login(client, admin_user)


@pytest.fixture
def devices(rita, alice, omar, cora) -> list[TOTPDevice]:
    return [f.enrol_totp(user) for user in (rita, alice, omar, cora)]


def totp_secrets() -> list[str]:
    """Every TOTP key of the database, as the admin showed it (hex) and as an authenticator
    app takes it (base32)."""
    found = []
    for device in TOTPDevice.objects.all():
        found += [device.key.lower(), device.key.upper()]
        found.append(base64.b32encode(device.bin_key).decode().rstrip("="))
    return found


def admin_pages() -> list[str]:
    """The index, and for each model of the admin its list, its add page and the change and
    history pages of its rows."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        for pk in model._default_manager.values_list("pk", flat=True)[:5]:
            urls += [
                reverse(f"{prefix}_change", args=[pk]),
                reverse(f"{prefix}_history", args=[pk]),
            ]
    return urls


def test_the_declaration_import_and_totp_admin_pages_are_not_found(root, world, devices):
    device = devices[0]
    version = world.citizen.versions.first()
    paths = [
        "/admin/guests/",
        "/admin/guests/declaration/",
        f"/admin/guests/declaration/{world.citizen.pk}/change/",
        "/admin/guests/declarationversion/",
        f"/admin/guests/declarationversion/{version.pk}/change/",
        "/admin/guests/importbatch/",
        f"/admin/guests/importbatch/{world.batch_pk}/change/",
        "/admin/otp_totp/",
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        f"/admin/otp_totp/totpdevice/{device.pk}/config/",
        f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
        "/admin/luutru/backupcodedevice/",
    ]

    assert {path: root.get(path).status_code for path in paths} == dict.fromkeys(paths, 404)


def test_no_admin_page_shows_a_totp_key_or_a_document_number(root, world, devices):
    secrets = [*totp_secrets(), CITIZEN_NUMBER, PASSPORT_NUMBER]

    for url in admin_pages():
        response = root.get(url)
        assert response.status_code < 500, url
        html = response.content.decode()
        leaked = [secret for secret in secrets if secret in html]
        assert not leaked, f"{url} shows {leaked}"


def test_no_admin_search_reaches_a_guests_data():
    # A search is a GET: its words land in the web server's access log.
    for model, model_admin in admin.site._registry.items():
        for path in model_admin.search_fields:
            current = model
            for name in path.lstrip("=^@").split("__"):
                assert current._meta.app_label != "guests", (model, path)
                field = current._meta.get_field(name)
                if field.is_relation:
                    current = field.related_model
                elif isinstance(field, ForeignObjectRel):
                    current = field.related_model
            assert current._meta.app_label != "guests", (model, path)


def test_the_site_admin_resets_a_second_factor_without_seeing_it(root, rita, devices):
    key = TOTPDevice.objects.get(user=rita).key
    response = root.post(
        reverse("admin:establishments_staff_changelist"),
        {"action": "reset_second_factor_action", "_selected_action": [rita.staff.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert key not in response.content.decode()
    assert not TOTPDevice.objects.filter(user=rita).exists()
    assert not BackupCodeDevice.objects.filter(user=rita).exists()
    assert LogEntry.objects.filter(object_id=str(rita.staff.pk)).exists()


def test_a_ward_made_remote_in_the_admin_leaves_a_settings_history_row(root, admin_user, ward):
    response = root.post(
        reverse("admin:luutru_ward_change", args=[ward.pk]),
        {
            "name": ward.name,
            "division_type": ward.division_type,
            "province": ward.province_id,
            "remote": "on",
        },
    )

    assert response.status_code == 302
    ward.refresh_from_db()
    assert ward.remote
    change = WardSettingsChange.objects.get(ward=ward)
    assert (change.remote, change.changed_by) == (True, admin_user)


def test_a_ward_saved_in_the_admin_without_a_new_flag_leaves_no_history_row(root, ward):
    response = root.post(
        reverse("admin:luutru_ward_change", args=[ward.pk]),
        {"name": "Phường Hoàn Kiếm mới", "division_type": "phường", "province": ward.province_id},
    )

    assert response.status_code == 302
    assert Ward.objects.get(pk=ward.pk).name == "Phường Hoàn Kiếm mới"
    assert not WardSettingsChange.objects.exists()


def test_no_ward_is_added_from_the_admin_without_its_official_code(root, ward):
    response = root.post(
        reverse("admin:luutru_ward_add"),
        {"name": "Xã Đảo", "division_type": "xã", "province": ward.province_id, "remote": "on"},
    )

    assert response.status_code == 403
    assert not Ward.objects.filter(name="Xã Đảo").exists()
