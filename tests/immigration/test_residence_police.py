"""The ward police's requests for a confirmation of residence, on their phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from immigration.models import ConfirmationStatus, ResidenceConfirmation, State
from immigration.residence.services import CODE_ALPHABET
from tests import factories as f
from wards.models import AccessAction, AccessLog

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
LIST = reverse("immigration:confirmations")
PASSPORT = "C01X00T47"


@pytest.fixture
def application(establishment, rita):
    return f.make_immigration_application(
        establishment=establishment,
        by=rita,
        state=State.SUBMITTED,
        full_name="Anna Katharina MÜLLER",
        passport_number=PASSPORT,
        address="12 Hàng Bạc",
    )


@pytest.fixture
def confirmation(application, rita):
    return f.make_residence_confirmation(application=application, by=rita)


def detail(confirmation) -> str:
    return reverse("immigration:confirmation", args=[confirmation.pk])


def confirm(confirmation) -> str:
    return reverse("immigration:confirmation_confirm", args=[confirmation.pk])


def refuse(confirmation) -> str:
    return reverse("immigration:confirmation_refuse", args=[confirmation.pk])


def test_it_lists_open_requests_oldest_first_then_the_decided(
    client, omar, rita, establishment, confirmation, other_establishment, ron
):
    now = timezone.now()
    older_app = f.make_immigration_application(
        establishment=establishment, by=rita, state=State.SUBMITTED, full_name="Old Request"
    )
    f.make_residence_confirmation(
        application=older_app, by=rita, requested_at=now - timedelta(days=2)
    )
    done_app = f.make_immigration_application(
        establishment=establishment, by=rita, state=State.SUBMITTED, full_name="Done Request"
    )
    f.make_residence_confirmation(
        application=done_app,
        by=rita,
        status=ConfirmationStatus.CONFIRMED,
        code="ABCDEFGHJKLM",
        decided_by=omar,
        decided_at=now,
    )
    elsewhere = f.make_immigration_application(
        establishment=other_establishment, by=ron, state=State.SUBMITTED, full_name="Next Door"
    )
    f.make_residence_confirmation(application=elsewhere, by=ron)
    page = f.login(client, omar).get(LIST).content.decode()
    assert page.index("Old Request") < page.index("Anna Katharina") < page.index("Done Request")
    assert "Next Door" not in page


def test_the_detail_shows_the_foreigner_and_the_guests_stays_beside_it(
    client, omar, rita, establishment, confirmation, other_establishment, ron
):
    now = timezone.now()
    other_hotel = f.make_establishment(ward=establishment.ward, name="Khách sạn Sen")
    past = f.make_declaration(
        establishment=other_hotel,
        by=f.make_staff(establishment=other_hotel, username="sen-desk"),
        kind="foreigner",
        full_name="MÜLLER Anna",
        document_number=PASSPORT,
        arrival=now - timedelta(days=30),
        expected_departure=now - timedelta(days=25),
    )
    past.departed_at = now - timedelta(days=25)
    past.save(update_fields=["departed_at"])
    staying = f.make_declaration(
        establishment=establishment,
        by=rita,
        kind="foreigner",
        full_name="MÜLLER Anna",
        document_number=PASSPORT,
        room="305",
    )
    f.make_declaration(  # next door: not this ward's to show
        establishment=other_establishment,
        by=ron,
        kind="foreigner",
        document_number=PASSPORT,
        room="NEXTDOOR",
    )
    f.make_declaration(establishment=establishment, by=rita, kind="foreigner", room="999")

    page = f.login(client, omar).get(detail(confirmation)).content.decode()
    assert "Anna Katharina MÜLLER" in page
    assert PASSPORT in page
    assert "12 Hàng Bạc" in page
    assert establishment.name in page  # the sponsor
    assert "room 305" in page and "Khách sạn Sen" in page
    assert page.index("room 305") < page.index("Khách sạn Sen")  # staying first
    assert "NEXTDOOR" not in page and "room 999" not in page
    logged = AccessLog.objects.filter(user=omar, action=AccessAction.VIEW)
    assert set(logged.values_list("declaration", flat=True)) == {staying.pk, past.pk}


def test_confirming_issues_a_code(client, omar, confirmation, application):
    response = f.login(client, omar).post(confirm(confirmation), follow=True)
    assert "is confirmed" in response.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.CONFIRMED
    assert len(confirmation.code) == 12 and set(confirmation.code) <= set(CODE_ALPHABET)
    assert confirmation.passport_tail == "T47"
    assert confirmation.valid_until == application.requested_until
    assert confirmation.decided_by == omar
    assert confirmation.code in response.content.decode()


def test_two_officers_deciding_at_once_one_wins(client, omar, cora, confirmation):
    f.login(client, omar).post(confirm(confirmation))
    confirmation.refresh_from_db()
    code = confirmation.code
    other = f.login(Client(), cora)
    response = other.post(refuse(confirmation), {"reason": "Không"}, follow=True)
    assert "Someone else decided this request first." in response.content.decode()
    other.post(confirm(confirmation))
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.CONFIRMED
    assert confirmation.code == code


def test_refusing_needs_a_reason(client, cora, confirmation):
    f.login(client, cora)
    assert client.post(refuse(confirmation), {"reason": ""}).status_code == 400
    response = client.post(refuse(confirmation), {"reason": "Không có ai ở đây."}, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.REFUSED
    assert confirmation.refusal_reason == "Không có ai ở đây."
    assert confirmation.code == ""


@pytest.mark.parametrize("who", ["otto", "carl"])
def test_it_checks_the_ward(client, request, confirmation, who):
    f.login(client, request.getfixturevalue(who))
    assert client.get(detail(confirmation)).status_code == 404
    assert client.post(confirm(confirmation)).status_code == 404
    assert client.post(refuse(confirmation), {"reason": "Không"}).status_code == 404
    assert "Anna Katharina" not in client.get(LIST).content.decode()
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.REQUESTED


@pytest.mark.parametrize("who", ["rita", "ivan", "sam"])
def test_other_roles_get_a_403(client, request, confirmation, who):
    f.login(client, request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403
    assert client.get(detail(confirmation)).status_code == 403
    assert client.post(confirm(confirmation)).status_code == 403
    assert not ResidenceConfirmation.objects.filter(status=ConfirmationStatus.CONFIRMED).exists()


def test_the_police_menu_links_to_the_requests(client, omar):
    assert LIST in f.login(client, omar).get(reverse("wards:inbox")).content.decode()


def test_the_list_runs_a_fixed_number_of_queries(
    client, omar, rita, establishment, django_assert_max_num_queries
):
    for _n in range(5):
        app = f.make_immigration_application(
            establishment=establishment, by=rita, state=State.SUBMITTED
        )
        f.make_residence_confirmation(application=app, by=rita)
    f.login(client, omar)
    with django_assert_max_num_queries(15):
        assert client.get(LIST).status_code == 200
