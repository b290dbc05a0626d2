from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from establishments.models import Application, ApplicationStatus
from tests import factories as f

from .helpers import make_application

URL = reverse("establishments:applications")


@pytest.mark.django_db
def test_it_lists_the_pending_applications_of_the_ward_oldest_first(client, omar, ward):
    newer = make_application(ward=ward, name="Nhà nghỉ Mới")
    older = make_application(ward=ward, name="Nhà nghỉ Cũ")
    Application.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=2))
    f.login(client, omar)
    response = client.get(URL)
    assert response.status_code == 200
    assert list(response.context["pending"]) == [older, newer]
    assert "Nhà nghỉ Cũ" in response.content.decode()


@pytest.mark.django_db
def test_it_shows_recently_decided_applications_apart(client, cora, ward, omar):
    decided = make_application(
        ward=ward,
        name="Nhà nghỉ Đã Từ Chối",
        status=ApplicationStatus.REFUSED,
        refusal_reason="Not in this ward",
        decided_at=timezone.now() - timedelta(days=1),
        decided_by=omar,
    )
    make_application(
        ward=ward,
        name="Nhà nghỉ Xưa",
        status=ApplicationStatus.REFUSED,
        refusal_reason="Closed",
        decided_at=timezone.now() - timedelta(days=90),
        decided_by=omar,
    )
    f.login(client, cora)  # a commander sees what the officers see
    response = client.get(URL)
    assert list(response.context["pending"]) == []
    assert list(response.context["decided"]) == [decided]


@pytest.mark.django_db
def test_it_checks_ownership(client, omar, ward, other_ward):
    make_application(ward=other_ward, name="Nhà nghỉ Ba Đình")
    f.login(client, omar)
    response = client.get(URL)
    assert list(response.context["pending"]) == []
    assert "Nhà nghỉ Ba Đình" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "rita", "ivan"])
def test_it_is_forbidden_to_anyone_but_the_ward_police(client, who, request):
    f.login(client, request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_it_runs_a_fixed_number_of_queries(client, omar, ward, django_assert_max_num_queries):
    for n in range(15):
        make_application(ward=ward, name=f"Nhà nghỉ {n}")
    f.login(client, omar)
    with django_assert_max_num_queries(10):
        client.get(URL)
