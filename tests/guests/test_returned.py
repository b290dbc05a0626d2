"""The police's decisions and the front desk's answer to a return."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from guests import services
from guests.deadlines import LOCAL_TZ
from guests.models import DeclarationVersion, ReviewAction, ReviewEvent, ReviewStatus
from tests import factories as f
from tests.guests.helpers import citizen_post, file_citizen

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")

DESK = reverse("guests:desk")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)
REASON = "The date of birth does not match the identity card."


# --- the services -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_return_records_the_reason_the_officer_and_the_version(establishment, rita, omar):
    declaration = file_citizen(establishment, rita)
    event = services.return_declaration(declaration=declaration, officer=omar, reason=REASON)
    declaration.refresh_from_db()
    assert declaration.review_status == ReviewStatus.RETURNED
    assert (event.action, event.reason, event.by, event.version_number, event.at) == (
        ReviewAction.RETURNED,
        REASON,
        omar,
        1,
        NOW,
    )


@pytest.mark.django_db
def test_a_confirmation_records_the_version_it_confirmed(establishment, rita, omar):
    declaration = file_citizen(establishment, rita)
    services.correct_declaration(declaration=declaration, corrected_by=rita, data={"room": "9"})
    event = services.confirm_declaration(declaration=declaration, officer=omar)
    declaration.refresh_from_db()
    assert declaration.review_status == ReviewStatus.CONFIRMED
    assert (event.action, event.version_number) == (ReviewAction.CONFIRMED, 2)


@pytest.mark.django_db
def test_a_stale_return_of_a_confirmed_declaration_changes_nothing(establishment, rita, omar, cora):
    declaration = file_citizen(establishment, rita)
    stale = type(declaration).objects.get(pk=declaration.pk)
    services.confirm_declaration(declaration=declaration, officer=cora)
    with pytest.raises(services.ReviewConflict):
        services.return_declaration(declaration=stale, officer=omar, reason=REASON)
    declaration.refresh_from_db()
    assert declaration.review_status == ReviewStatus.CONFIRMED
    assert list(ReviewEvent.objects.values_list("action", flat=True)) == ["confirmed"]


@pytest.mark.django_db
def test_a_returned_declaration_is_not_decided_again_until_corrected(establishment, rita, omar):
    declaration = file_citizen(establishment, rita)
    services.return_declaration(declaration=declaration, officer=omar, reason=REASON)
    with pytest.raises(services.ReviewConflict):
        services.confirm_declaration(declaration=declaration, officer=omar)
    with pytest.raises(services.ReviewConflict):
        services.return_declaration(declaration=declaration, officer=omar, reason="again")
    assert ReviewEvent.objects.count() == 1


@pytest.mark.django_db
def test_a_decision_on_a_version_corrected_since_is_refused(establishment, rita, omar):
    declaration = file_citizen(establishment, rita)
    services.correct_declaration(declaration=declaration, corrected_by=rita, data={"room": "9"})
    with pytest.raises(services.ReviewConflict):
        services.confirm_declaration(declaration=declaration, officer=omar, version_number=1)
    assert services.confirm_declaration(declaration=declaration, officer=omar, version_number=2)


@pytest.mark.django_db
def test_a_return_without_a_reason_is_refused(establishment, rita, omar):
    declaration = file_citizen(establishment, rita)
    with pytest.raises(ValueError):
        services.return_declaration(declaration=declaration, officer=omar, reason="  ")
    declaration.refresh_from_db()
    assert declaration.review_status == ReviewStatus.PENDING


# --- the round trip -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_returned_declaration_goes_round_the_desk_and_back_to_pending(
    client, establishment, rita, omar, frozen_clock
):
    declaration = file_citizen(establishment, rita)
    services.return_declaration(declaration=declaration, officer=omar, reason=REASON)
    f.login(client, rita)

    desk = client.get(DESK).content.decode()
    assert "Returned by the police" in desk
    assert REASON in desk
    assert reverse("guests:correct", args=[declaration.pk]) in desk

    page = client.get(reverse("guests:correct", args=[declaration.pk])).content.decode()
    assert page.index(REASON) < page.index('name="full_name"')
    assert "Correct and re-submit" in page

    frozen_clock.move_to(NOW + timedelta(minutes=20))
    response = client.post(
        reverse("guests:correct", args=[declaration.pk]),
        citizen_post(declaration, birth_date="1990-01-02"),
        follow=True,
    )
    assert "sent back to the police for review" in response.content.decode()
    declaration.refresh_from_db()
    assert declaration.review_status == ReviewStatus.PENDING
    assert declaration.birth_date.isoformat() == "1990-01-02"
    assert DeclarationVersion.objects.filter(declaration=declaration).count() == 2

    desk = client.get(DESK).content.decode()
    assert "Returned by the police" not in desk
    assert REASON not in desk

    detail = client.get(reverse("guests:detail", args=[declaration.pk])).content.decode()
    assert "Version 1 returned by" in detail
    assert REASON in detail
    assert "Date of birth:" in detail
    assert "01/01/1990" in detail and "02/01/1990" in detail
    assert detail.index("Version 1 returned by") < detail.index("Version 2, submitted by")


@pytest.mark.django_db
def test_a_returned_guest_who_left_long_ago_can_still_be_corrected(
    client, establishment, rita, omar, frozen_clock
):
    declaration = file_citizen(establishment, rita)
    services.check_out(declarations=[declaration], at=NOW, by=rita)
    frozen_clock.move_to(NOW + timedelta(days=10))
    services.return_declaration(declaration=declaration, officer=omar, reason=REASON)
    f.login(client, rita)
    assert client.get(reverse("guests:correct", args=[declaration.pk])).status_code == 200
    assert REASON in client.get(DESK).content.decode()


@pytest.mark.django_db
def test_a_no_op_correction_leaves_the_declaration_returned(client, establishment, rita, omar):
    declaration = file_citizen(establishment, rita)
    services.return_declaration(declaration=declaration, officer=omar, reason=REASON)
    f.login(client, rita)
    client.post(reverse("guests:correct", args=[declaration.pk]), citizen_post(declaration))
    declaration.refresh_from_db()
    assert declaration.review_status == ReviewStatus.RETURNED
    assert REASON in client.get(DESK).content.decode()


@pytest.mark.django_db
def test_the_owner_sees_the_returned_section_without_the_correct_button(
    client, establishment, rita, alice, omar
):
    declaration = file_citizen(establishment, rita)
    services.return_declaration(declaration=declaration, officer=omar, reason=REASON)
    f.login(client, alice)
    desk = client.get(DESK).content.decode()
    assert "Returned by the police" in desk
    assert REASON in desk
    assert reverse("guests:correct", args=[declaration.pk]) not in desk
    detail = client.get(reverse("guests:detail", args=[declaration.pk])).content.decode()
    assert REASON in detail
    assert reverse("guests:correct", args=[declaration.pk]) not in detail


@pytest.mark.django_db
def test_another_establishment_s_returns_are_not_on_the_desk(
    client, establishment, rita, ron, other_establishment, otto
):
    theirs = file_citizen(other_establishment, ron)
    services.return_declaration(declaration=theirs, officer=otto, reason=REASON)
    f.login(client, rita)
    desk = client.get(DESK).content.decode()
    assert "Returned by the police" not in desk
    assert REASON not in desk


@pytest.mark.django_db
def test_the_desk_runs_a_fixed_number_of_queries_with_returns(
    client, establishment, rita, omar, django_assert_max_num_queries
):
    f.login(client, rita)
    first = file_citizen(establishment, rita, room="100", number="001090010000")
    services.return_declaration(declaration=first, officer=omar, reason=REASON)
    with django_assert_max_num_queries(11):
        client.get(DESK)
    for i in range(1, 15):
        declaration = file_citizen(
            establishment, rita, room=str(100 + i), number=f"0010900100{i:02d}"
        )
        services.return_declaration(declaration=declaration, officer=omar, reason=f"{REASON} {i}")
    with django_assert_max_num_queries(11):
        response = client.get(DESK)
    assert len(response.context["returned"]) == 15
