"""The public verification of a confirmation of residence: validity, and nothing personal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from immigration.models import ConfirmationStatus, State
from immigration.residence import views
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
CODE = "HN7KQ2MXRT4P"
PASSPORT = "19FR04521"


@pytest.fixture
def application(establishment, rita):
    return f.make_immigration_application(
        establishment=establishment,
        by=rita,
        state=State.SUBMITTED,
        full_name="Anna Katharina MÜLLER",
        passport_number=PASSPORT,
    )


def issue(application, by, *, status=ConfirmationStatus.CONFIRMED, code=CODE, **fields):
    fields.setdefault("valid_until", timezone.localdate() + timedelta(days=30))
    return f.make_residence_confirmation(
        application=application,
        by=by,
        status=status,
        decided_by=by,
        decided_at=timezone.now(),
        code=code,
        passport_tail=PASSPORT[-3:],
        **fields,
    )


def check(client, code: str = CODE):
    return client.get(reverse("immigration:verify_code", args=[code]))


def test_a_valid_code_shows_only_validity_date_ward_and_passport_tail(
    client, application, rita, ward
):
    issue(application, rita)
    response = check(client)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Valid: this confirmation was issued by the ward police." in page
    assert ward.name in page and "<strong>521</strong>" in page
    assert f"Issued on {date_format(timezone.localdate(), 'SHORT_DATE_FORMAT')}" in page
    assert "MÜLLER" not in page and "Anna" not in page
    assert PASSPORT not in page
    assert application.reference not in page


def test_an_expired_paper_says_so(client, application, rita):
    issue(application, rita, valid_until=timezone.localdate() - timedelta(days=1))
    assert "Expired: this confirmation is no longer valid." in check(client).content.decode()


def test_a_refused_request_is_unknown(client, application, rita, ward):
    issue(application, rita, status=ConfirmationStatus.REFUSED, refusal_reason="Không")
    page = check(client).content.decode()
    assert "Unknown: no confirmation of residence has this code." in page
    assert ward.name not in page and "521" not in page


def test_a_code_nobody_issued_is_unknown(client):
    assert "Unknown" in check(client, "ZZZZZZZZZZZZ").content.decode()
    assert "Unknown" in check(client, "short").content.decode()


def test_the_form_takes_the_code_as_people_type_it(client, application, rita):
    issue(application, rita)
    response = client.get(reverse("immigration:verify"), {"code": " hn7k-q2mx-rt4p "})
    assert response["Location"] == reverse("immigration:verify_code", args=[CODE])
    response = client.get(reverse("immigration:verify"), {"code": "12"})
    assert response.status_code == 200
    assert "A verification code has 12 letters and digits." in response.content.decode()


def test_the_page_is_public_and_shown_blank(client):
    response = client.get(reverse("immigration:verify"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_lookups_are_throttled_per_address(client, application, rita):
    issue(application, rita)
    for _n in range(views.VERIFY_LIMIT):
        assert check(client).status_code == 200
    response = check(client)
    assert response.status_code == 429
    assert "Too many checks" in response.content.decode()
    assert "Valid" not in response.content.decode()
