"""The cast: one establishment and one ward, and their counterparts next door.

alice owns Khách sạn Hoàn Kiếm, where rita works the front desk; omar is the ward officer and
cora the commander of Phường Hoàn Kiếm. bob, ron, otto and carl play the same parts for an
establishment in Phường Ba Đình. ivan is an immigration officer of Hà Nội.
"""

from __future__ import annotations

import pytest
import time_machine
from django.utils import translation

from luutru.models import Role
from tests import factories as f


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher costs ~0.3 s a user; the tests make hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english(settings):
    """Assertions read the English source strings, whatever the Vietnamese catalogue says. A
    module read in English throughout says so in its pytestmark (usefixtures("english"))."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def frozen_clock(request):
    """The clock stopped at the test module's NOW; a test moves it with the traveller it gets
    (frozen_clock.shift(...), frozen_clock.move_to(...))."""
    with time_machine.travel(request.module.NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def ward(db):
    return f.make_ward()


@pytest.fixture
def other_ward(db):
    return f.make_ward(code=4, name="Phường Ba Đình")


@pytest.fixture
def establishment(ward):
    return f.make_establishment(ward=ward, name="Khách sạn Hoàn Kiếm")


@pytest.fixture
def other_establishment(other_ward):
    return f.make_establishment(ward=other_ward, name="Nhà nghỉ Ba Đình")


@pytest.fixture
def alice(establishment):
    return f.make_staff(establishment=establishment, role=Role.OWNER, username="alice")


@pytest.fixture
def rita(establishment):
    return f.make_staff(establishment=establishment, role=Role.RECEPTIONIST, username="rita")


@pytest.fixture
def bob(other_establishment):
    return f.make_staff(establishment=other_establishment, role=Role.OWNER, username="bob")


@pytest.fixture
def ron(other_establishment):
    return f.make_staff(establishment=other_establishment, role=Role.RECEPTIONIST, username="ron")


@pytest.fixture
def omar(ward):
    return f.make_officer(ward=ward, username="omar")


@pytest.fixture
def cora(ward):
    return f.make_officer(ward=ward, role=Role.WARD_COMMANDER, username="cora")


@pytest.fixture
def otto(other_ward):
    return f.make_officer(ward=other_ward, username="otto")


@pytest.fixture
def carl(other_ward):
    return f.make_officer(ward=other_ward, role=Role.WARD_COMMANDER, username="carl")


@pytest.fixture
def ivan(ward):
    return f.make_immigration_officer(province=ward.province, username="ivan")


@pytest.fixture
def sponsor(ward):
    """An approved sponsoring organisation of Hà Nội (the province of Phường Ba Đình)."""
    return f.make_sponsor(province=ward.province, name="Công ty TNHH Sao Mai")


@pytest.fixture
def sam(sponsor):
    return f.make_sponsor_account(sponsor=sponsor, username="sam", full_name="Trần Văn Minh")


@pytest.fixture
def admin_user(db):
    return f.make_user(role=Role.SITE_ADMIN, username="root")
