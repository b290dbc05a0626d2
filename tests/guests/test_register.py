"""The daily register's rules and its closing service."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from guests import services
from guests.deadlines import LOCAL_TZ
from guests.models import DeclarationKind, RegisterClosing
from guests.register import days, queries
from guests.register.days import DayState
from guests.register.services import RegisterRefused, close_register
from tests.guests.helpers import file, local

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")

DAY = date(2026, 6, 15)
# 10:00 in Hà Nội on DAY.
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)
_numbers = itertools.count(1)


# --- rules --------------------------------------------------------------------------------------


def test_the_cutoff_is_8_oclock_local_the_next_morning():
    assert days.cutoff(DAY) == local(2026, 6, 16, 8, 0)
    assert days.cutoff(DAY).astimezone(UTC) == datetime(2026, 6, 16, 1, 0, tzinfo=UTC)


def test_the_cutoff_hour_is_a_setting(settings):
    settings.REGISTER_CUTOFF_HOUR = 10
    assert days.cutoff(DAY) == local(2026, 6, 16, 10, 0)


@pytest.mark.parametrize(
    ("at", "state"),
    [
        (local(2026, 6, 14, 23, 59), DayState.FUTURE),
        (local(2026, 6, 15, 0, 0), DayState.OPEN),
        (local(2026, 6, 16, 8, 0), DayState.OPEN),
        (local(2026, 6, 16, 8, 0, 1), DayState.MISSING),
    ],
)
def test_a_day_is_open_from_midnight_to_the_cutoff_then_missing(at, state):
    assert days.day_state(DAY, at=at, closed=False) == state
    assert days.day_state(DAY, at=at, closed=True) == DayState.CLOSED


def test_before_the_cutoff_the_page_opens_on_yesterday_while_it_is_still_open():
    early = local(2026, 6, 16, 7, 30)
    assert days.default_day(at=early, yesterday_closed=False) == DAY
    assert days.default_day(at=early, yesterday_closed=True) == date(2026, 6, 16)
    assert days.default_day(at=local(2026, 6, 16, 9, 0), yesterday_closed=False) == date(
        2026, 6, 16
    )


# --- closing ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_day_without_arrivals_closes_as_a_nil_return(establishment, rita):
    closing, created = close_register(establishment=establishment, day=DAY, by=rita, at=NOW)

    assert created
    row = RegisterClosing.objects.get(establishment=establishment, day=DAY)
    assert (row.foreigners, row.citizens, row.late) == (0, 0, 0)
    assert row.nil_return
    assert row.closed_by == rita
    assert row.closed_at == NOW


@pytest.mark.django_db
def test_the_closing_stores_the_counts_by_kind_and_the_late_ones(establishment, rita):
    file(establishment, rita, kind=DeclarationKind.FOREIGNER, arrival=local(2026, 6, 15, 1, 0))
    # Arrived at 08:00, filed at 21:00: past the foreigner's 12 hours.
    late = file(
        establishment,
        rita,
        kind=DeclarationKind.FOREIGNER,
        arrival=local(2026, 6, 15, 8, 0),
        filed_at=local(2026, 6, 15, 21, 0),
    )
    file(establishment, rita, arrival=local(2026, 6, 15, 9, 0))
    assert late.late

    with time_machine.travel(local(2026, 6, 15, 22, 0), tick=False):
        close_register(establishment=establishment, day=DAY, by=rita, at=local(2026, 6, 15, 22, 0))

    row = RegisterClosing.objects.get(establishment=establishment, day=DAY)
    assert (row.foreigners, row.citizens, row.late) == (2, 1, 1)
    assert not row.nil_return


@pytest.mark.django_db
def test_closing_twice_makes_one_row_and_keeps_the_first(establishment, rita, alice):
    first, created = close_register(establishment=establishment, day=DAY, by=rita, at=NOW)
    file(establishment, rita, arrival=NOW)
    second, created_again = close_register(
        establishment=establishment, day=DAY, by=alice, at=NOW + timedelta(minutes=1)
    )

    assert created and not created_again
    assert second.pk == first.pk
    row = RegisterClosing.objects.get(establishment=establishment, day=DAY)
    assert row.closed_by == rita
    assert row.citizens == 0


@pytest.mark.django_db
def test_a_closing_that_loses_a_race_returns_the_winners_row(
    establishment, rita, alice, monkeypatch
):
    winner, _ = close_register(establishment=establishment, day=DAY, by=alice, at=NOW)

    class NothingYet:
        # What the loser saw before the winner committed.
        def filter(self, **kwargs):
            return self

        def select_related(self, *args):
            return self

        def first(self):
            return None

        def get(self, **kwargs):
            return RegisterClosing._default_manager.get(**kwargs)

    monkeypatch.setattr(RegisterClosing, "objects", NothingYet())
    closing, created = close_register(establishment=establishment, day=DAY, by=rita, at=NOW)

    assert not created
    assert closing.pk == winner.pk
    assert RegisterClosing._default_manager.filter(establishment=establishment).count() == 1


@pytest.mark.django_db
def test_a_day_cannot_be_closed_after_its_cutoff(establishment, rita):
    too_late = local(2026, 6, 16, 8, 0, 1)
    with time_machine.travel(too_late, tick=False), pytest.raises(RegisterRefused) as refused:
        close_register(establishment=establishment, day=DAY, by=rita, at=too_late)

    assert "can no longer be closed" in str(refused.value)
    assert "16/06/2026 08:00" in str(refused.value)
    assert not RegisterClosing.objects.exists()


@pytest.mark.django_db
def test_a_day_can_be_closed_at_the_cutoff_itself(establishment, rita):
    at = local(2026, 6, 16, 8, 0)
    with time_machine.travel(at, tick=False):
        _, created = close_register(establishment=establishment, day=DAY, by=rita, at=at)
    assert created


@pytest.mark.django_db
def test_a_future_day_cannot_be_closed(establishment, rita):
    with pytest.raises(RegisterRefused) as refused:
        close_register(establishment=establishment, day=date(2026, 6, 16), by=rita, at=NOW)

    assert "before the day has begun" in str(refused.value)
    assert not RegisterClosing.objects.exists()


@pytest.mark.django_db
def test_an_arrival_at_23_30_local_belongs_to_that_day_though_it_is_16_30_utc(establishment, rita):
    late_evening = file(establishment, rita, arrival=datetime(2026, 6, 15, 16, 30, tzinfo=UTC))
    after_midnight = file(establishment, rita, arrival=local(2026, 6, 16, 0, 30))
    early_morning = file(establishment, rita, arrival=local(2026, 6, 15, 0, 0))
    before = file(establishment, rita, arrival=local(2026, 6, 14, 23, 59))

    day = queries.summarize_day(establishment, DAY)

    assert {d.pk for d in day.declarations} == {late_evening.pk, early_morning.pk}
    assert after_midnight.pk not in {d.pk for d in day.declarations}
    assert before.pk not in {d.pk for d in day.declarations}
    at = local(2026, 6, 16, 7, 0)
    with time_machine.travel(at, tick=False):
        closing, _ = close_register(establishment=establishment, day=DAY, by=rita, at=at)
    assert closing.citizens == 2


@pytest.mark.django_db
def test_the_summary_tells_staying_from_departed(establishment, rita):
    stays = file(establishment, rita, arrival=local(2026, 6, 15, 1, 0), room="101")
    leaves = file(establishment, rita, arrival=local(2026, 6, 15, 2, 0), room="102")
    services.check_out(declarations=[leaves], at=NOW, by=rita)

    day = queries.summarize_day(establishment, DAY)

    assert (day.staying, day.departed) == (1, 1)
    assert stays in day.declarations


@pytest.mark.django_db
def test_a_guest_filed_after_the_closing_shows_as_an_addition(establishment, rita):
    file(establishment, rita, arrival=local(2026, 6, 15, 1, 0))
    close_register(establishment=establishment, day=DAY, by=rita, at=NOW)
    added = file(
        establishment, rita, arrival=local(2026, 6, 15, 9, 0), filed_at=NOW + timedelta(hours=1)
    )

    day = queries.summarize_day(establishment, DAY)

    assert day.closing.citizens == 1
    assert day.citizens == 2
    assert day.changed_since_closing
    assert day.added_after_closing == [added]


# --- history ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_history_marks_each_day_closed_open_or_missing(establishment, rita):
    Establishment = type(establishment)
    Establishment.objects.filter(pk=establishment.pk).update(created_at=local(2026, 5, 1, 9, 0))
    establishment.refresh_from_db()
    close_register(establishment=establishment, day=DAY, by=rita, at=NOW)
    at = local(2026, 6, 14, 7, 0)
    with time_machine.travel(at, tick=False):
        close_register(establishment=establishment, day=date(2026, 6, 13), by=rita, at=at)
    at = local(2026, 6, 16, 7, 0)

    days = queries.history(establishment, at=at)

    assert len(days) == 30
    states = {h.day: h.state for h in days}
    assert days[0].day == date(2026, 6, 16)
    assert states[date(2026, 6, 16)] == DayState.OPEN
    assert states[DAY] == DayState.CLOSED
    assert states[date(2026, 6, 14)] == DayState.MISSING
    assert states[date(2026, 6, 13)] == DayState.CLOSED
    assert queries.missing_days(establishment, at=at) == [
        date(2026, 6, 14),
        date(2026, 6, 12),
        date(2026, 6, 11),
        date(2026, 6, 10),
    ]


@pytest.mark.django_db
def test_days_before_the_establishment_existed_are_not_missing(establishment):
    # The establishment was created at NOW, on DAY.
    days = queries.history(establishment, at=local(2026, 6, 17, 9, 0))
    assert [h.day for h in days] == [date(2026, 6, 17), date(2026, 6, 16), DAY]
    assert queries.missing_days(establishment, at=local(2026, 6, 17, 9, 0)) == [
        date(2026, 6, 16),
        DAY,
    ]


@pytest.mark.django_db
def test_the_history_counts_arrivals_on_local_days(establishment, rita):
    file(establishment, rita, arrival=datetime(2026, 6, 15, 16, 30, tzinfo=UTC))
    file(establishment, rita, kind=DeclarationKind.FOREIGNER, arrival=local(2026, 6, 16, 0, 30))

    days = {h.day: h for h in queries.history(establishment, at=local(2026, 6, 16, 9, 0))}

    assert (days[DAY].citizens_now, days[DAY].foreigners_now) == (1, 0)
    assert (days[date(2026, 6, 16)].citizens_now, days[date(2026, 6, 16)].foreigners_now) == (0, 1)


@pytest.mark.django_db
def test_another_establishments_closings_are_not_in_the_history(
    establishment, other_establishment, rita, ron
):
    close_register(establishment=other_establishment, day=DAY, by=ron, at=NOW)

    days = queries.history(establishment, at=NOW)

    assert days[0].closing is None
    assert days[0].state == DayState.OPEN
