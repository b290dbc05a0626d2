from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from establishments.models import ApplicationStatus, Establishment
from tests import factories as f

from .helpers import make_application


@pytest.fixture
def application(ward):
    return make_application(ward=ward, owner_email="minh@example.vn")


def url(application) -> str:
    return reverse("establishments:refuse", args=[application.pk])


@pytest.mark.django_db
def test_it_refuses_and_tells_the_applicant_why(client, omar, application):
    f.login(client, omar)
    response = client.post(url(application), {"reason": "  The address is in Phường Cửa Nam.  "})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REFUSED
    assert application.refusal_reason == "The address is in Phường Cửa Nam."
    assert application.decided_by == omar
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["minh@example.vn"]
    assert "The address is in Phường Cửa Nam." in mail.outbox[0].body
    assert not Establishment.objects.exists()


@pytest.mark.django_db
def test_a_refusal_needs_a_reason(client, omar, application):
    f.login(client, omar)
    response = client.post(url(application), {"reason": "   "})
    assert response.status_code == 400
    assert "reason" in response.context["refusal_form"].errors
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_approved_application_cannot_be_refused(client, omar, cora, application):
    f.login(client, omar)
    client.post(reverse("establishments:approve", args=[application.pk]), {"confirmed": "yes"})
    f.login(client, cora)
    response = client.post(url(application), {"reason": "Too late"}, follow=True)
    assert "already been decided" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.refusal_reason == ""


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["otto", "carl"])
def test_it_checks_ownership(client, who, request, application):
    f.login(client, request.getfixturevalue(who))
    assert client.post(url(application), {"reason": "No"}).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


@pytest.mark.django_db
def test_it_is_forbidden_to_the_establishments(client, alice, application):
    f.login(client, alice)
    assert client.post(url(application), {"reason": "No"}).status_code == 403
