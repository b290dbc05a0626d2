"""The declaration page: what the guest's declaration says now, and its history as a diff."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from guests import services
from guests.deadlines import LOCAL_TZ
from tests import factories as f
from tests.guests.helpers import file_citizen

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)


def detail_url(declaration) -> str:
    return reverse("guests:detail", args=[declaration.pk])


@pytest.mark.django_db
def test_the_page_shows_each_correction_as_old_and_new_values(
    client, establishment, rita, frozen_clock
):
    declaration = file_citizen(establishment, rita)
    frozen_clock.move_to(NOW + timedelta(minutes=5))
    services.correct_declaration(
        declaration=declaration,
        corrected_by=rita,
        data={"room": "305", "expected_departure": datetime(2026, 6, 18, 12, 0, tzinfo=LOCAL_TZ)},
    )
    f.login(client, rita)

    html = client.get(detail_url(declaration)).content.decode()
    assert "Version 1, submitted by" in html
    assert "original filing" in html
    assert "Version 2, submitted by Rita on 15/06/2026 10:05" in html
    assert (
        '<strong>Room:</strong> <del class="text-secondary">101</del> &rarr; <ins>305</ins>' in html
    )
    assert "<strong>Expected departure:</strong>" in html
    assert "17/06/2026 10:00" in html and "18/06/2026 12:00" in html
    # What did not change is not listed as a change, though version 1 holds the arrival as
    # typed (+07:00) and version 2 as read back from the database (UTC).
    assert "<strong>Full name:</strong>" not in html
    assert "<strong>Arrival:</strong>" not in html


@pytest.mark.django_db
def test_the_page_shows_the_police_decisions_with_who_and_when(
    client, establishment, rita, omar, frozen_clock
):
    declaration = file_citizen(establishment, rita)
    frozen_clock.move_to(NOW + timedelta(hours=1))
    services.return_declaration(declaration=declaration, officer=omar, reason="Wrong room.")
    frozen_clock.move_to(NOW + timedelta(hours=2))
    services.correct_declaration(declaration=declaration, corrected_by=rita, data={"room": "9"})
    frozen_clock.move_to(NOW + timedelta(hours=3))
    services.confirm_declaration(declaration=declaration, officer=omar)
    f.login(client, rita)

    html = client.get(detail_url(declaration)).content.decode()
    returned = html.index("Version 1 returned by Omar on 15/06/2026 11:00")
    corrected = html.index("Version 2, submitted by Rita on 15/06/2026 12:00")
    confirmed = html.index("Version 2 confirmed by Omar on 15/06/2026 13:00")
    assert returned < corrected < confirmed
    assert "Reason: Wrong room." in html
    assert "Confirmed" in html


@pytest.mark.django_db
def test_the_receptionist_gets_a_correct_button_and_the_owner_does_not(
    client, establishment, rita, alice
):
    declaration = file_citizen(establishment, rita)
    correct = reverse("guests:correct", args=[declaration.pk])
    f.login(client, rita)
    assert correct in client.get(detail_url(declaration)).content.decode()
    f.login(client, alice)
    assert correct not in client.get(detail_url(declaration)).content.decode()


@pytest.mark.django_db
def test_the_page_runs_a_fixed_number_of_queries(
    client, establishment, rita, omar, django_assert_max_num_queries
):
    declaration = file_citizen(establishment, rita)
    f.login(client, rita)
    with django_assert_max_num_queries(9):
        client.get(detail_url(declaration))
    for room in range(10):
        services.correct_declaration(
            declaration=declaration, corrected_by=rita, data={"room": str(room)}
        )
    services.return_declaration(declaration=declaration, officer=omar, reason="Check it.")
    with django_assert_max_num_queries(9):
        response = client.get(detail_url(declaration))
    assert len(response.context["history"]) == 12


@pytest.mark.django_db
def test_it_checks_ownership(client, rita, ron, bob, omar, other_establishment):
    theirs = file_citizen(other_establishment, ron)
    f.login(client, rita)
    assert client.get(detail_url(theirs)).status_code == 404
    f.login(client, bob)
    assert client.get(detail_url(theirs)).status_code == 200
    f.login(client, omar)
    assert client.get(detail_url(theirs)).status_code == 403
