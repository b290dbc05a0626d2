"""The confirmation of residence as a PDF, for the applicant, the ward police and the office."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from immigration.models import ConfirmationStatus, State
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
CODE = "HN7KQ2MXRT4P"


@pytest.fixture
def application(establishment, rita):
    return f.make_immigration_application(
        establishment=establishment,
        by=rita,
        state=State.SUBMITTED,
        full_name="Nguyễn Thị Ánh Dương",
        nationality="FRA",
        passport_number="19FR04521",
        address="12 Hàng Bạc",
    )


@pytest.fixture
def confirmation(application, rita, omar):
    return f.make_residence_confirmation(
        application=application,
        by=rita,
        status=ConfirmationStatus.CONFIRMED,
        decided_by=omar,
        decided_at=timezone.now(),
        code=CODE,
        passport_tail="521",
        valid_until=application.requested_until,
    )


def url(confirmation) -> str:
    return reverse("immigration:confirmation_pdf", args=[confirmation.pk])


def text_of(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_applicant_downloads_the_paper(client, alice, confirmation, ward):
    response = f.login(client, alice).get(url(confirmation))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    text = text_of(response)
    assert CODE in text
    assert "Nguyễn Thị Ánh Dương" in text
    assert "GIẤY XÁC NHẬN CƯ TRÚ" in text and "Confirmation of residence" in text
    assert "19FR04521" in text  # in full, on the paper
    assert ward.name in text
    assert "http://testserver/immigration/residence/verify/" + CODE in text.replace("\n", "")


def test_the_paper_carries_a_qr_code_image(client, omar, confirmation):
    response = f.login(client, omar).get(url(confirmation))
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages[0].images) == 1


@pytest.mark.parametrize("who", ["rita", "omar", "cora", "ivan"])
def test_each_party_may_download_it(client, request, confirmation, who):
    response = f.login(client, request.getfixturevalue(who)).get(url(confirmation))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["bob", "otto", "carl", "sam"])
def test_it_checks_ownership(client, request, confirmation, who):
    assert f.login(client, request.getfixturevalue(who)).get(url(confirmation)).status_code == 404


def test_another_provinces_office_gets_a_404(client, confirmation):
    elsewhere = f.make_province(code=79, name="Thành phố Hồ Chí Minh")
    officer = f.make_immigration_officer(province=elsewhere, username="hcm")
    assert f.login(client, officer).get(url(confirmation)).status_code == 404


def test_the_site_administrator_gets_a_403(client, admin_user, confirmation):
    assert f.login(client, admin_user).get(url(confirmation)).status_code == 403


def test_an_unconfirmed_request_has_no_paper(client, rita, omar, application):
    open_request = f.make_residence_confirmation(application=application, by=rita)
    response = f.login(client, rita).get(url(open_request), follow=True)
    assert "has not been confirmed" in response.content.decode()
    response = f.login(Client(), omar).get(url(open_request))
    assert response["Location"] == reverse("immigration:confirmation", args=[open_request.pk])
