from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f

from .helpers import make_application


@pytest.fixture
def application(ward):
    return make_application(ward=ward)


def url(application) -> str:
    return reverse("establishments:application", args=[application.pk])


@pytest.mark.django_db
def test_it_shows_the_application_with_the_decision_buttons(client, omar, application):
    f.login(client, omar)
    response = client.get(url(application))
    assert response.status_code == 200
    html = response.content.decode()
    assert application.name in html
    assert application.owner_phone in html
    assert reverse("establishments:approve", args=[application.pk]) in html
    assert reverse("establishments:refuse", args=[application.pk]) in html


@pytest.mark.django_db
def test_the_commander_of_the_ward_sees_it_too(client, cora, application):
    f.login(client, cora)
    assert client.get(url(application)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["otto", "carl"])
def test_it_checks_ownership(client, who, request, application):
    f.login(client, request.getfixturevalue(who))
    assert client.get(url(application)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "rita"])
def test_it_is_forbidden_to_the_establishments(client, who, request, application):
    f.login(client, request.getfixturevalue(who))
    assert client.get(url(application)).status_code == 403
