"""Checking guests out from the desk: one, a whole room, or several selected."""

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

URL = reverse("guests:check_out")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)
# The confirmation step's departure time (issue 16, item 13): a post without it checks out
# nobody, so the tests below that check guests out send it.
AT = {"departed_at": "2026-06-15T10:00"}


def file(establishment, by, *, room: str, count: int = 1) -> list[Declaration]:
    guests = [
        {
            "full_name": f"Guest {room}-{i}",
            "sex": "M",
            "birth_date": date(1990, 1, 1),
            "nationality": "FR",
            "document_type": DocumentType.PASSPORT,
            "document_number": f"P{room}{i}",
        }
        for i in range(count)
    ]
    return services.file_declarations(
        establishment=establishment,
        filed_by=by,
        kind=DeclarationKind.FOREIGNER,
        guests=guests,
        stay={
            "room": room,
            "arrival": NOW - timedelta(hours=1),
            "expected_departure": NOW + timedelta(days=2),
        },
        submission_key=uuid.uuid4(),
    )


@pytest.fixture
def desk(client, rita):
    return f.login(client, rita)


def staying() -> set[str]:
    return set(Declaration.objects.staying().values_list("full_name", flat=True))


@pytest.mark.django_db
def test_it_checks_out_one_guest(desk, rita, establishment):
    one, other = file(establishment, rita, room="101", count=2)
    response = desk.post(URL, {"declaration": one.pk, **AT})
    assert response.status_code == 302
    assert response.url == reverse("guests:desk")
    one.refresh_from_db()
    assert one.departed_at == NOW
    assert one.departed_by == rita
    assert staying() == {other.full_name}
    assert (
        "Checked out: Guest 101-0, room 101, 15/06/2026 10:00"
        in desk.get(response.url).content.decode()
    )


@pytest.mark.django_db
def test_it_checks_out_a_whole_room(desk, rita, establishment):
    file(establishment, rita, room="101", count=3)
    file(establishment, rita, room="102")
    desk.post(URL, {"room": "101", **AT})
    assert staying() == {"Guest 102-0"}


@pytest.mark.django_db
def test_it_checks_out_several_selected_guests(desk, rita, establishment):
    a, b, c = file(establishment, rita, room="201", count=3)
    response = desk.post(URL, {"declaration": [a.pk, c.pk], **AT})
    assert staying() == {b.full_name}
    assert (
        "Checked out at 15/06/2026 10:00: Guest 201-0, room 201; Guest 201-2, room 201"
        in desk.get(response.url).content.decode()
    )


@pytest.mark.django_db
def test_a_guest_already_gone_keeps_the_first_departure_time(desk, rita, establishment):
    (guest,) = file(establishment, rita, room="101")
    desk.post(URL, {"declaration": guest.pk, **AT})
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        desk.post(URL, {"declaration": guest.pk, "departed_at": "2026-06-15T11:00"})
    guest.refresh_from_db()
    assert guest.departed_at == NOW


@pytest.mark.django_db
def test_nothing_selected_checks_out_nobody(desk, rita, establishment):
    file(establishment, rita, room="101")
    response = desk.post(URL, {})
    assert response.status_code == 302
    assert len(staying()) == 1


@pytest.mark.django_db
def test_it_checks_ownership(desk, rita, establishment, ron, other_establishment):
    (mine,) = file(establishment, rita, room="101")
    (theirs,) = file(other_establishment, ron, room="101")
    assert desk.post(URL, {"declaration": theirs.pk}).status_code == 404
    assert desk.post(URL, {"declaration": theirs.pk, **AT}).status_code == 404
    # One stranger among the selection: nobody is checked out.
    assert desk.post(URL, {"declaration": [mine.pk, theirs.pk], **AT}).status_code == 404
    # A room number checks out this establishment's room only.
    desk.post(URL, {"room": "101", **AT})
    assert staying() == {theirs.full_name}


@pytest.mark.django_db
def test_owners_read_but_do_not_check_out(client, alice, rita, establishment):
    (guest,) = file(establishment, rita, room="101")
    f.login(client, alice)
    assert client.post(URL, {"declaration": guest.pk, **AT}).status_code == 403
    assert len(staying()) == 1


@pytest.mark.django_db
def test_it_refuses_get(desk):
    assert desk.get(URL).status_code == 405


@pytest.mark.django_db
def test_the_desk_button_only_shows_the_confirmation_step(desk, rita, establishment):
    (guest,) = file(establishment, rita, room="203")
    response = desk.post(URL, {"declaration": guest.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Guest 203-0" in html
    assert 'name="departed_at"' in html
    assert 'value="2026-06-15T10:00"' in html  # now, local time, by default
    assert 'max="2026-06-15T10:00"' in html
    assert 'min="2026-06-15T09:00"' in html  # the arrival
    assert staying() == {"Guest 203-0"}
    # The same for a room: the page lists who is in it, nothing changes.
    assert "Guest 203-0" in desk.post(URL, {"room": "203"}).content.decode()
    assert staying() == {"Guest 203-0"}


@pytest.mark.django_db
def test_the_desk_sets_the_departure_time_in_local_time(desk, rita, establishment):
    (guest,) = file(establishment, rita, room="203")
    response = desk.post(URL, {"declaration": guest.pk, "departed_at": "2026-06-15T09:35"})
    assert response.status_code == 302
    guest.refresh_from_db()
    assert guest.departed_at == datetime(2026, 6, 15, 9, 35, tzinfo=LOCAL_TZ)
    assert guest.departed_by == rita
    page = desk.get(response.url).content.decode()
    assert "Checked out: Guest 203-0, room 203, 15/06/2026 09:35" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("2026-06-15T10:01", "cannot be in the future"),
        ("2026-06-16T09:00", "cannot be in the future"),
        ("2026-06-15T08:59", "cannot be before the arrival (15/06/2026 09:00)"),
        ("15/06/2026 09:30", "Enter a valid date/time."),
        ("", "This field is required."),
    ],
)
def test_it_refuses_a_departure_in_the_future_or_before_the_arrival(
    desk, rita, establishment, value, error
):
    (guest,) = file(establishment, rita, room="203")
    response = desk.post(URL, {"declaration": guest.pk, "departed_at": value})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert staying() == {"Guest 203-0"}


@pytest.mark.django_db
def test_the_latest_arrival_of_a_room_bounds_the_departure(desk, rita, establishment):
    later = file(establishment, rita, room="203", count=2)[1]
    Declaration.objects.filter(pk=later.pk).update(arrival=NOW - timedelta(minutes=10))
    response = desk.post(URL, {"room": "203", "departed_at": "2026-06-15T09:30"})
    assert response.status_code == 400
    assert "cannot be before the arrival (15/06/2026 09:50)" in response.content.decode()
    assert len(staying()) == 2
