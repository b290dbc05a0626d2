"""The applicant asks the ward police to confirm the residence, from the application page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from immigration.models import ConfirmationStatus, ResidenceConfirmation, State
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def application(establishment, alice):
    return f.make_immigration_application(
        establishment=establishment, by=alice, state=State.SUBMITTED
    )


def ask(application) -> str:
    return reverse("immigration:confirmation_request", args=[application.pk])


def test_it_asks_the_police_of_the_address_ward(client, alice, application, ward):
    f.login(client, alice)
    back = "/immigration/?from=panel"
    response = client.post(ask(application), {"next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    assert "were asked to confirm the residence" in response.content.decode()
    confirmation = ResidenceConfirmation.objects.get()
    assert confirmation.application == application
    assert confirmation.ward == ward
    assert confirmation.status == ConfirmationStatus.REQUESTED
    assert confirmation.requested_by == alice


def test_it_does_not_follow_a_next_to_another_site(client, rita, application):
    response = f.login(client, rita).post(ask(application), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("immigration:applications")


def test_one_request_is_open_at_a_time(client, rita, application):
    f.login(client, rita)
    client.post(ask(application))
    response = client.post(ask(application), follow=True)
    assert "cannot be asked now" in response.content.decode()
    assert ResidenceConfirmation.objects.count() == 1


def test_after_a_refusal_the_applicant_may_ask_again(client, rita, omar, application):
    f.make_residence_confirmation(
        application=application,
        by=rita,
        status=ConfirmationStatus.REFUSED,
        decided_by=omar,
        decided_at=timezone.now(),
        refusal_reason="Không có người ở địa chỉ.",
    )
    f.login(client, rita).post(ask(application))
    assert ResidenceConfirmation.objects.filter(status=ConfirmationStatus.REQUESTED).count() == 1


@pytest.mark.parametrize("state", [State.WITHDRAWN, State.REFUSED])
def test_a_closed_application_cannot_ask(client, rita, establishment, state):
    closed = f.make_immigration_application(establishment=establishment, by=rita, state=state)
    f.login(client, rita).post(ask(closed))
    assert not ResidenceConfirmation.objects.exists()


def test_an_application_without_a_ward_cannot_ask(client, sam, sponsor):
    application = f.make_immigration_application(sponsor=sponsor, by=sam, state=State.SUBMITTED)
    f.login(client, sam).post(ask(application))
    assert not ResidenceConfirmation.objects.exists()


def test_a_sponsoring_organisation_asks_for_its_own_application(client, sam, sponsor, ward):
    application = f.make_immigration_application(
        sponsor=sponsor, by=sam, state=State.DRAFT, ward=ward
    )
    f.login(client, sam).post(ask(application))
    assert ResidenceConfirmation.objects.get().ward == ward


def test_it_checks_ownership(client, sam, bob, other_establishment, application):
    other = f.make_immigration_application(
        establishment=other_establishment, by=bob, state=State.SUBMITTED
    )
    f.login(client, sam)
    assert client.post(ask(application)).status_code == 404  # another applicant's
    f.login(client, bob)
    assert client.post(ask(application)).status_code == 404
    assert client.post(ask(other)).status_code == 302
    assert list(ResidenceConfirmation.objects.values_list("application", flat=True)) == [other.pk]


@pytest.mark.parametrize("who", ["ivan", "omar"])
def test_the_office_and_the_police_do_not_ask_for_the_applicant(client, request, application, who):
    f.login(client, request.getfixturevalue(who))
    assert client.post(ask(application)).status_code == 403
    assert not ResidenceConfirmation.objects.exists()


# --- the panel on the application page ----------------------------------------------------------


def panel(application, user) -> str:
    request = RequestFactory().get("/immigration/1/")
    request.user = user or AnonymousUser()
    return render_to_string(
        "immigration/residence/_application_panel.html",
        {"application": application, "user": user, "request": request},
        request=request,
    )


def test_the_panel_offers_to_ask(alice, application):
    html = panel(application, alice)
    assert "Ask the ward police to confirm" in html
    assert ask(application) in html


def test_the_panel_shows_an_open_request_without_the_button(alice, application):
    f.make_residence_confirmation(application=application, by=alice)
    html = panel(application, alice)
    assert "Requested" in html
    assert ask(application) not in html


def test_the_panel_shows_the_reason_of_a_refusal_and_asks_again(alice, omar, application):
    f.make_residence_confirmation(
        application=application,
        by=alice,
        status=ConfirmationStatus.REFUSED,
        decided_by=omar,
        decided_at=timezone.now(),
        refusal_reason="Không có người ở địa chỉ.",
    )
    html = panel(application, alice)
    assert "Không có người ở địa chỉ." in html
    assert "Ask the ward police again" in html


def test_the_panel_links_the_paper_once_confirmed(alice, omar, application):
    confirmation = f.make_residence_confirmation(
        application=application,
        by=alice,
        status=ConfirmationStatus.CONFIRMED,
        decided_by=omar,
        decided_at=timezone.now(),
        code="ABCDEFGHJKLM",
        passport_tail="789",
    )
    html = panel(application, alice)
    assert reverse("immigration:confirmation_pdf", args=[confirmation.pk]) in html
    assert ask(application) in html  # a new address may need a new paper


def test_the_panel_has_no_button_for_the_office(ivan, application):
    assert ask(application) not in panel(application, ivan)


def test_a_next_that_looks_like_a_view_name_is_only_a_relative_address(client, rita, application):
    # The fuzzer's find: redirect("0") tried to reverse a view named "0".
    response = f.login(client, rita).post(ask(application), {"next": "0"})
    assert response.status_code == 302
