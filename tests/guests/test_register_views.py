"""The register pages: the day with its closing button, and the last 30 days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from establishments.models import Establishment
from guests import services
from guests.deadlines import LOCAL_TZ
from guests.models import DeclarationKind, RegisterClosing
from guests.register.services import close_register
from tests import factories as f
from tests.guests.helpers import file, local

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")

REGISTER = reverse("guests:register")
CLOSE = reverse("guests:register_close")
HISTORY = reverse("guests:register_history")
DAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def desk(client, rita):
    return f.login(client, rita)


def page(client, day: date | None = None) -> str:
    url = REGISTER if day is None else f"{REGISTER}?day={day.isoformat()}"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def closing_url(closing: RegisterClosing) -> str:
    return reverse("guests:register_closing", args=[closing.pk])


@pytest.mark.django_db
def test_a_day_without_arrivals_offers_a_nil_return(desk):
    html = page(desk)
    assert "No guests arrived on this day: closing it is a nil return." in html
    assert "Close the register for 15/06/2026: no guests arrived (nil return)" in html


@pytest.mark.django_db
def test_the_page_shows_counts_by_kind_late_ones_and_who_is_still_staying(
    desk, rita, establishment
):
    file(establishment, rita, kind=DeclarationKind.FOREIGNER, arrival=local(2026, 6, 15, 1, 0))
    gone = file(establishment, rita, arrival=local(2026, 6, 15, 2, 0), room="102")
    late = file(
        establishment,
        rita,
        kind=DeclarationKind.FOREIGNER,
        arrival=local(2026, 6, 14, 20, 0),
        filed_at=local(2026, 6, 15, 9, 0),
    )
    assert late.late
    late_today = file(
        establishment,
        rita,
        arrival=local(2026, 6, 15, 8, 0),
        room="103",
    )
    services.check_out(declarations=[gone], at=NOW, by=rita)

    response = desk.get(REGISTER)
    summary = response.context["summary"]
    assert (summary.foreigners, summary.citizens, summary.staying, summary.departed) == (
        1,
        2,
        2,
        1,
    )
    html = response.content.decode()
    assert 'id="count-foreigners">1<' in html
    assert 'id="count-citizens">2<' in html
    assert 'id="count-staying">2<' in html
    assert 'id="count-departed">1<' in html
    assert "Close the register for 15/06/2026 with 3 guests" in html
    # The late foreigner arrived yesterday: yesterday's register lists it.
    yesterday = page(desk, date(2026, 6, 14))
    assert late.full_name in yesterday
    assert "Filed late" in yesterday
    assert late_today.full_name in html


@pytest.mark.django_db
def test_closing_stores_the_counts_and_shows_who_closed_it_and_when(desk, rita, establishment):
    file(establishment, rita, arrival=local(2026, 6, 15, 1, 0))

    response = desk.post(CLOSE, {"day": "2026-06-15"}, follow=True)

    assert response.redirect_chain[-1][0] == f"{REGISTER}?day=2026-06-15"
    row = RegisterClosing.objects.get(establishment=establishment, day=DAY)
    assert (row.foreigners, row.citizens, row.late, row.closed_by) == (0, 1, 0, rita)
    html = response.content.decode()
    assert "The register for 15/06/2026 is closed." in html
    assert "Closed at 10:00 on 15/06/2026 by Rita." in html
    assert "Close the register for" not in html


@pytest.mark.django_db
def test_a_double_click_closes_the_register_once(desk, establishment):
    desk.post(CLOSE, {"day": "2026-06-15"})
    response = desk.post(CLOSE, {"day": "2026-06-15"}, follow=True)

    assert response.status_code == 200
    assert "The register for 15/06/2026 was already closed." in response.content.decode()
    assert RegisterClosing.objects.filter(establishment=establishment, day=DAY).count() == 1


@pytest.mark.django_db
def test_a_day_past_its_cutoff_is_refused_with_a_message(client, rita, frozen_clock):
    frozen_clock.move_to(local(2026, 6, 16, 8, 1))
    desk = f.login(client, rita)

    response = desk.post(CLOSE, {"day": "2026-06-15"}, follow=True)

    html = response.content.decode()
    assert "The register for 15/06/2026 can no longer be closed" in html
    assert "Close the register for" not in html
    assert not RegisterClosing.objects.exists()


@pytest.mark.django_db
def test_a_future_day_is_refused_with_a_message(desk):
    response = desk.post(CLOSE, {"day": "2026-06-16"}, follow=True)

    assert "cannot be closed before the day has begun" in response.content.decode()
    assert not RegisterClosing.objects.exists()


@pytest.mark.django_db
def test_a_closing_without_a_day_is_refused(desk):
    response = desk.post(CLOSE, {"day": "yesterday"}, follow=True)
    assert "Choose the day whose register to close." in response.content.decode()
    assert not RegisterClosing.objects.exists()


@pytest.mark.django_db
def test_a_guest_filed_after_the_closing_is_shown_as_a_late_addition(desk, rita, establishment):
    file(establishment, rita, arrival=local(2026, 6, 15, 1, 0))
    desk.post(CLOSE, {"day": "2026-06-15"})
    added = file(
        establishment, rita, arrival=local(2026, 6, 15, 9, 30), filed_at=NOW + timedelta(hours=1)
    )

    html = page(desk, DAY)

    assert "Changed since the closing: guests counted then 1, now 2." in html
    assert added.full_name in html


@pytest.mark.django_db
def test_before_the_cutoff_the_page_opens_on_yesterday_until_it_is_closed(
    client, rita, frozen_clock
):
    frozen_clock.move_to(local(2026, 6, 16, 7, 30))
    desk = f.login(client, rita)
    assert "Register for 15/06/2026" in page(desk)

    desk.post(CLOSE, {"day": "2026-06-15"})

    assert "Register for 16/06/2026" in page(desk)


@pytest.mark.django_db
def test_after_the_cutoff_the_page_opens_on_today(client, rita, frozen_clock):
    frozen_clock.move_to(local(2026, 6, 16, 8, 30))
    desk = f.login(client, rita)
    assert "Register for 16/06/2026" in page(desk)


@pytest.mark.django_db
def test_a_garbled_day_opens_the_default_day(desk):
    html = desk.get(f"{REGISTER}?day=nonsense").content.decode()
    assert "Register for 15/06/2026" in html
    assert "Enter a valid date." in html


@pytest.mark.django_db
def test_the_page_warns_of_registers_missing_in_the_last_7_days(desk, establishment):
    Establishment.objects.filter(pk=establishment.pk).update(created_at=local(2026, 6, 1, 9, 0))
    establishment.refresh_from_db()

    html = page(desk)

    warning = html.split("Registers not closed by the cutoff:")[1].split("</div>")[0]
    # Today is open; yesterday's cutoff passed at 08:00; the week goes back to 09/06.
    assert "15/06/2026" not in warning
    assert "14/06/2026" in warning
    assert "09/06/2026" in warning
    assert "08/06/2026" not in warning


@pytest.mark.django_db
def test_the_owner_reads_and_closes_the_register(client, alice, establishment):
    f.login(client, alice)
    assert "Close the register for 15/06/2026" in page(client)

    client.post(CLOSE, {"day": "2026-06-15"})

    assert RegisterClosing.objects.get(establishment=establishment, day=DAY).closed_by == alice


@pytest.mark.django_db
def test_the_history_lists_closed_and_missing_days(desk, rita, establishment, frozen_clock):
    Establishment.objects.filter(pk=establishment.pk).update(created_at=local(2026, 5, 1, 9, 0))
    establishment.refresh_from_db()
    desk.post(CLOSE, {"day": "2026-06-15"})
    frozen_clock.move_to(local(2026, 6, 16, 9, 0))
    f.login(desk, rita)

    response = desk.get(HISTORY)

    assert response.status_code == 200
    days = response.context["days"]
    assert len(days) == 30
    html = response.content.decode()
    assert "Closed: nil return" in html
    assert "15/06 10:00 by Rita" in html
    assert "Missing" in html
    closing = RegisterClosing.objects.get()
    assert closing_url(closing) in html


@pytest.mark.django_db
def test_the_history_runs_a_fixed_number_of_queries(
    desk, rita, establishment, frozen_clock, django_assert_max_num_queries
):
    Establishment.objects.filter(pk=establishment.pk).update(created_at=local(2026, 5, 1, 9, 0))
    establishment.refresh_from_db()
    with django_assert_max_num_queries(6):
        desk.get(HISTORY)
    for days_ago in range(1, 20):
        day = DAY - timedelta(days=days_ago)
        file(
            establishment,
            rita,
            arrival=local(day.year, day.month, day.day, 10, 0),
            room=str(days_ago),
        )
        at = local(day.year, day.month, day.day, 22, 0)
        with time_machine.travel(at, tick=False):
            close_register(establishment=establishment, day=day, by=rita, at=at)
    with django_assert_max_num_queries(6):
        response = desk.get(HISTORY)
    assert sum(1 for d in response.context["days"] if d.closing) == 19


@pytest.mark.django_db
def test_the_closing_page_shows_that_days_register(desk, rita, establishment):
    closing, _ = close_register(establishment=establishment, day=DAY, by=rita, at=NOW)

    response = desk.get(closing_url(closing))

    assert response.status_code == 200
    assert "Closed at 10:00 on 15/06/2026 by Rita." in response.content.decode()


@pytest.mark.django_db
def test_it_checks_ownership(client, rita, ron, establishment, other_establishment):
    mine, _ = close_register(establishment=establishment, day=DAY, by=rita, at=NOW)
    guest = file(establishment, rita, arrival=local(2026, 6, 15, 1, 0))
    f.login(client, ron)

    assert client.get(closing_url(mine)).status_code == 404
    html = page(client, DAY)
    assert guest.full_name not in html
    assert "Closed at" not in html
    assert "by Rita" not in client.get(HISTORY).content.decode()

    client.post(CLOSE, {"day": "2026-06-15"})
    assert RegisterClosing.objects.filter(establishment=other_establishment).count() == 1
    assert RegisterClosing.objects.get(establishment=establishment).closed_by == rita


@pytest.mark.django_db
def test_the_police_are_forbidden_the_register(client, omar, rita, establishment):
    closing, _ = close_register(establishment=establishment, day=DAY, by=rita, at=NOW)
    f.login(client, omar)

    assert client.get(REGISTER).status_code == 403
    assert client.get(HISTORY).status_code == 403
    assert client.get(closing_url(closing)).status_code == 403
    assert client.post(CLOSE, {"day": "2026-06-15"}).status_code == 403


@pytest.mark.django_db
def test_closing_refuses_get(desk):
    assert desk.get(CLOSE).status_code == 405


@pytest.mark.django_db
def test_a_lodging_approved_today_opens_on_today_and_owes_no_earlier_day(
    client, rita, establishment, frozen_clock
):
    Establishment.objects.filter(pk=establishment.pk).update(created_at=local(2026, 6, 16, 6, 0))
    establishment.refresh_from_db()
    frozen_clock.move_to(local(2026, 6, 16, 7, 30))  # before the cutoff of the 15th
    desk = f.login(client, rita)

    assert "Register for 16/06/2026" in page(desk)
    days = desk.get(HISTORY).context["days"]
    assert [(d.day, d.state) for d in days] == [(date(2026, 6, 16), "open")]


@pytest.mark.django_db
def test_the_history_shows_each_past_day_closed_with_who_when_and_counts(
    client, rita, establishment, frozen_clock
):
    Establishment.objects.filter(pk=establishment.pk).update(created_at=local(2026, 6, 1, 9, 0))
    establishment.refresh_from_db()
    file(establishment, rita, arrival=local(2026, 6, 12, 14, 0))
    for day in (12, 13):  # each closed the next morning; the 14th forgotten
        frozen_clock.move_to(local(2026, 6, day + 1, 7, 0))
        close_register(
            establishment=establishment,
            day=date(2026, 6, day),
            by=rita,
            at=local(2026, 6, day + 1, 7, 0),
        )
    frozen_clock.move_to(local(2026, 6, 15, 10, 0))

    response = f.login(client, rita).get(HISTORY)

    states = {d.day: d for d in response.context["days"]}
    assert states[date(2026, 6, 15)].state == "open"
    assert states[date(2026, 6, 14)].state == "missing"
    assert states[date(2026, 6, 13)].state == "closed"
    assert (
        states[date(2026, 6, 12)].closing.foreigners + states[date(2026, 6, 12)].closing.citizens
        == 1
    )
    assert len(response.context["days"]) == 15  # 1 to 15 June
    html = response.content.decode()
    assert "13/06 07:00 by Rita" in html
    assert "14/06 07:00 by Rita" in html


@pytest.mark.django_db
def test_a_day_before_the_approval_is_not_owed_and_cannot_be_closed(desk, establishment):
    Establishment.objects.filter(pk=establishment.pk).update(created_at=NOW)

    page = desk.get(REGISTER, {"day": "2026-06-14"}).content.decode()

    assert "No register is owed for 14/06/2026" in page
    assert "approved on 15/06/2026" in page
    assert "recorded as missing" not in page
    assert "alert-danger" not in page
    response = desk.post(CLOSE, {"day": "2026-06-14"}, follow=True)
    assert "No register is owed for 14/06/2026" in response.content.decode()
    assert not RegisterClosing.objects.exists()
