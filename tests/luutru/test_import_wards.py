from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from luutru.models import Province, Ward


def run() -> str:
    out = StringIO()
    call_command("import_wards", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_imports_every_province_and_ward_of_the_official_list():
    output = run()

    assert Province.objects.count() == 34
    assert Ward.objects.count() == 3321
    hoan_kiem = Ward.objects.select_related("province").get(name="Phường Hoàn Kiếm")
    assert hoan_kiem.province.name == "Thành phố Hà Nội"
    assert hoan_kiem.division_type == "phường"
    assert hoan_kiem.codename == "phuong_hoan_kiem"
    assert "34 created" in output
    assert "3321 created" in output


@pytest.mark.django_db
def test_running_it_twice_changes_nothing_and_keeps_the_remote_flag():
    run()
    Ward.objects.filter(name="Phường Hoàn Kiếm").update(remote=True)

    output = run()

    assert Province.objects.count() == 34
    assert Ward.objects.count() == 3321
    assert Ward.objects.get(name="Phường Hoàn Kiếm").remote is True
    assert Ward.objects.filter(remote=True).count() == 1
    assert "0 created, 0 updated, 3321 unchanged" in output


@pytest.mark.django_db
def test_it_corrects_a_ward_that_differs_from_the_official_list(ward):
    # The cast's ward has the real code 70 but a made-up codename.
    ward.name = "Phường Cũ"
    ward.remote = True
    ward.save()

    output = run()

    ward.refresh_from_db()
    assert ward.name == "Phường Hoàn Kiếm"
    assert ward.codename == "phuong_hoan_kiem"
    assert ward.remote is True
    assert "3320 created, 1 updated" in output
