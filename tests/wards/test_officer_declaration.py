"""The officer's view of one declaration: its details, history, the establishment, the
decision forms, and the access log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guests import services
from guests.models import ReviewStatus
from tests import factories as f
from wards.models import AccessAction, AccessLog

pytestmark = pytest.mark.usefixtures("english")


def url(declaration) -> str:
    return reverse("wards:declaration", args=[declaration.pk])


def test_it_shows_the_declaration_the_establishment_and_the_deadline(
    client, omar, rita, establishment
):
    declaration = f.make_declaration(
        establishment=establishment,
        by=rita,
        kind="foreigner",
        full_name="Anna Müller",
        document_number="C01X00T47",
    )

    page = f.login(client, omar).get(url(declaration)).content.decode()

    for text in (
        "Anna Müller",
        "C01X00T47",
        "Pending review",
        "Khách sạn Hoàn Kiếm",
        establishment.address,
        establishment.code,
        "Hotel",
        "Deadline",
        "Confirm version 1",
        "Return for correction",
        "Reason for returning",
    ):
        assert text in page


def test_it_names_the_owner_from_the_staff_when_there_was_no_application(
    client, omar, alice, rita, establishment
):
    declaration = f.make_declaration(establishment=establishment, by=rita)

    page = f.login(client, omar).get(url(declaration)).content.decode()

    assert str(alice) in page


def test_it_shows_the_version_history_with_the_changes_and_the_reviews(
    client, omar, rita, establishment
):
    declaration = f.make_declaration(establishment=establishment, by=rita, room="101")
    services.return_declaration(declaration=declaration, officer=omar, reason="Sai số phòng")
    services.correct_declaration(declaration=declaration, corrected_by=rita, data={"room": "102"})

    page = f.login(client, omar).get(url(declaration)).content.decode()

    assert "Version 1 returned by" in page
    assert "Sai số phòng" in page
    assert "Version 2, submitted by" in page
    assert '<del class="text-secondary">101</del>' in page


def test_a_decided_declaration_offers_no_decision(client, omar, rita, establishment):
    declaration = f.make_declaration(establishment=establishment, by=rita)
    services.confirm_declaration(declaration=declaration, officer=omar)

    page = f.login(client, omar).get(url(declaration)).content.decode()

    assert "Version 1 confirmed by" in page
    assert "Return for correction" not in page


def test_opening_it_writes_an_access_log_row(client, omar, rita, establishment):
    declaration = f.make_declaration(establishment=establishment, by=rita)

    f.login(client, omar).get(url(declaration), HTTP_USER_AGENT="Phone", REMOTE_ADDR="10.0.0.7")

    entry = AccessLog.objects.get()
    assert (entry.user, entry.ward, entry.action, entry.declaration) == (
        omar,
        establishment.ward,
        AccessAction.VIEW,
        declaration,
    )
    assert (entry.ip_address, entry.user_agent) == ("10.0.0.7", "Phone")


def test_another_wards_declaration_is_a_404_and_writes_no_log(client, otto, rita, establishment):
    declaration = f.make_declaration(establishment=establishment, by=rita)

    response = f.login(client, otto).get(url(declaration))

    assert response.status_code == 404
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("user", ["alice", "rita", "bob"])
def test_owners_and_receptionists_get_a_403(client, request, user, rita, establishment):
    declaration = f.make_declaration(establishment=establishment, by=rita)

    response = f.login(client, request.getfixturevalue(user)).get(url(declaration))

    assert response.status_code == 403
    assert not AccessLog.objects.exists()


def test_the_page_runs_a_fixed_number_of_queries(
    client, omar, rita, establishment, django_assert_max_num_queries
):
    declaration = f.make_declaration(establishment=establishment, by=rita)
    for room in ("102", "103", "104"):
        services.correct_declaration(
            declaration=declaration, corrected_by=rita, data={"room": room}
        )
    f.login(client, omar)

    with django_assert_max_num_queries(11):
        response = client.get(url(declaration))

    assert response.status_code == 200
    assert declaration.review_status == ReviewStatus.PENDING
