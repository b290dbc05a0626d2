"""The front desk's current guests, and the declaration page."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from guests import services
from guests.deadlines import LOCAL_TZ
from guests.models import Declaration, DeclarationKind, DocumentType
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")

DESK = reverse("guests:desk")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)


def file(establishment, by, *, room: str, count: int = 1, hours_ago: int = 1) -> list[Declaration]:
    guests = [
        {
            "full_name": f"Nguyễn Văn {room}-{i}",
            "sex": "M",
            "birth_date": date(1990, 1, 1),
            "nationality": "VN",
            "document_type": DocumentType.CITIZEN_ID,
            "document_number": f"0010900{room}{i:02d}"[-12:],
        }
        for i in range(count)
    ]
    return services.file_declarations(
        establishment=establishment,
        filed_by=by,
        kind=DeclarationKind.CITIZEN,
        guests=guests,
        stay={
            "room": room,
            "arrival": NOW - timedelta(hours=hours_ago),
            "expected_departure": NOW + timedelta(days=2),
        },
        submission_key=uuid.uuid4(),
    )


@pytest.mark.django_db
def test_the_desk_lists_the_guests_staying_now(client, rita, establishment):
    file(establishment, rita, room="101", count=2)
    (gone,) = file(establishment, rita, room="102")
    services.check_out(declarations=[gone], at=NOW, by=rita)
    f.login(client, rita)

    response = client.get(DESK)
    assert response.status_code == 200
    html = response.content.decode()
    assert establishment.name in html
    assert "Nguyễn Văn 101-0" in html
    assert "Nguyễn Văn 101-1" in html
    assert "Nguyễn Văn 102-0" not in html
    assert "File a foreigner" in html
    assert "File a citizen" in html
    assert "Check out room 101" in html
    assert "LATE" not in html


@pytest.mark.django_db
def test_a_late_guest_has_a_late_badge(client, rita, establishment, frozen_clock):
    with time_machine.travel(datetime(2026, 6, 15, 23, 30, tzinfo=LOCAL_TZ), tick=False):
        # Arrived at 21:30, filed at 23:30: the 23:00 line has passed.
        file(establishment, rita, room="101", hours_ago=2)
    f.login(client, rita)
    assert "LATE" in client.get(DESK).content.decode()


@pytest.mark.django_db
def test_the_owner_reads_the_same_list_without_the_buttons(client, alice, rita, establishment):
    file(establishment, rita, room="101")
    f.login(client, alice)
    html = client.get(DESK).content.decode()
    assert "Nguyễn Văn 101-0" in html
    assert "File a foreigner" not in html
    assert "Check out" not in html


@pytest.mark.django_db
def test_the_desk_runs_a_fixed_number_of_queries(
    client, rita, establishment, django_assert_max_num_queries
):
    f.login(client, rita)
    file(establishment, rita, room="101")
    # Eleven: the session and user, the establishment, the unread notices, the returned list,
    # the visas ending soon, the page's count and its rows, and what the layout needs.
    with django_assert_max_num_queries(11):
        client.get(DESK)
    for room in range(200, 215):
        file(establishment, rita, room=str(room), count=2)
    with django_assert_max_num_queries(11):
        response = client.get(DESK)
    assert len(response.context["staying"]) == 31


@pytest.mark.django_db
def test_the_desk_checks_ownership(client, rita, ron, establishment, other_establishment):
    file(other_establishment, ron, room="999")
    f.login(client, rita)
    html = client.get(DESK).content.decode()
    assert "Nguyễn Văn 999-0" not in html


# --- the declaration page -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_declaration_page_shows_deadline_late_mark_and_version_1(client, rita, establishment):
    with time_machine.travel(datetime(2026, 6, 15, 23, 30, tzinfo=LOCAL_TZ), tick=False):
        (declaration,) = file(establishment, rita, room="101", hours_ago=2)
    f.login(client, rita)
    response = client.get(reverse("guests:detail", args=[declaration.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert declaration.full_name in html
    assert "15/06/2026 23:00" in html
    assert "LATE" in html
    assert "Version 1, submitted by" in html
    assert "original filing" in html


@pytest.mark.django_db
def test_the_owner_reads_the_declaration(client, alice, rita, establishment):
    (declaration,) = file(establishment, rita, room="101")
    f.login(client, alice)
    assert client.get(reverse("guests:detail", args=[declaration.pk])).status_code == 200


@pytest.mark.django_db
def test_the_declaration_page_checks_ownership(client, rita, ron, bob, other_establishment):
    (theirs,) = file(other_establishment, ron, room="101")
    url = reverse("guests:detail", args=[theirs.pk])
    f.login(client, rita)
    assert client.get(url).status_code == 404
    f.login(client, ron)
    assert client.get(url).status_code == 200
    f.login(client, bob)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_police_are_forbidden_the_declaration_page_for_now(client, omar, rita, establishment):
    (declaration,) = file(establishment, rita, room="101")
    f.login(client, omar)
    assert client.get(reverse("guests:detail", args=[declaration.pk])).status_code == 403


@pytest.mark.django_db
def test_the_desk_shows_a_big_house_one_page_at_a_time(client, rita, establishment):
    for room in range(100, 160):
        file(establishment, rita, room=str(room), count=2)
    f.login(client, rita)

    first = client.get(DESK)
    assert first.context["page"].paginator.count == 120
    assert len(first.context["staying"]) == 100
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(DESK, {"page": 2})
    assert len(second.context["staying"]) == 20
    assert "Nguyễn Văn 159-1" in second.content.decode()


@pytest.mark.django_db
def test_the_desk_finds_one_room(client, rita, establishment):
    file(establishment, rita, room="101", count=2)
    file(establishment, rita, room="102")
    f.login(client, rita)
    response = client.get(DESK, {"room": "101"})
    names = [d.full_name for d in response.context["staying"]]
    assert names == ["Nguyễn Văn 101-0", "Nguyễn Văn 101-1"]


@pytest.mark.django_db
def test_the_desk_shows_the_receptionists_establishment(client, rita, establishment):
    f.login(client, rita)
    response = client.get(DESK)
    assert response.status_code == 200
    html = response.content.decode()
    assert establishment.name in html


@pytest.mark.django_db
def test_the_desk_shows_only_ones_own_house(client, ron, establishment, other_establishment):
    f.login(client, ron)
    html = client.get(DESK).content.decode()
    assert other_establishment.name in html
    assert establishment.name not in html


@pytest.mark.django_db
def test_the_desk_is_forbidden_to_the_police(client, omar):
    f.login(client, omar)
    assert client.get(DESK).status_code == 403
