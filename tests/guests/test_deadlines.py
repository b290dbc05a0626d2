"""Legal deadlines for reporting guests, in Hà Nội's local time whatever zone they come in.

Pure: no database. Plain datetimes where no clock is read; time_machine where one is.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine

from guests.deadlines import (
    LOCAL_TZ,
    citizen_deadline,
    foreigner_deadline,
    is_late,
    time_left,
    to_local,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PARIS = ZoneInfo("Europe/Paris")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=HANOI)


# --- Citizens: Law on Residence 2020, art. 30(4) ---------------------------------------------


@pytest.mark.parametrize(
    ("arrival", "deadline"),
    [
        (local(2026, 3, 10, 14, 0), local(2026, 3, 10, 23, 0)),
        (local(2026, 3, 10, 22, 59), local(2026, 3, 10, 23, 0)),
        (local(2026, 3, 10, 22, 59, 59, 999_999), local(2026, 3, 10, 23, 0)),
        # From 23:00 itself there is no "before 23:00" left: the next morning.
        (local(2026, 3, 10, 23, 0), local(2026, 3, 11, 8, 0)),
        (local(2026, 3, 10, 23, 1), local(2026, 3, 11, 8, 0)),
        (local(2026, 3, 10, 23, 59, 59), local(2026, 3, 11, 8, 0)),
        # After midnight the stay starts on the new day, which has until its own 23:00.
        (local(2026, 3, 11, 0, 0), local(2026, 3, 11, 23, 0)),
        (local(2026, 3, 11, 7, 59), local(2026, 3, 11, 23, 0)),
        # Month and year ends.
        (local(2026, 2, 28, 23, 30), local(2026, 3, 1, 8, 0)),
        (local(2025, 12, 31, 23, 0), local(2026, 1, 1, 8, 0)),
    ],
)
def test_a_citizen_is_due_before_23_or_the_next_morning(arrival, deadline):
    assert citizen_deadline(arrival) == deadline


def test_a_citizen_deadline_is_given_in_local_time():
    deadline = citizen_deadline(datetime(2026, 3, 10, 3, 0, tzinfo=UTC))
    assert deadline.tzinfo == LOCAL_TZ
    assert (deadline.hour, deadline.minute) == (23, 0)


def test_an_arrival_in_utc_counts_on_the_local_day():
    # 17:30 UTC on the 10th is 00:30 on the 11th in Hà Nội: a new day, due at its 23:00.
    assert citizen_deadline(datetime(2026, 3, 10, 17, 30, tzinfo=UTC)) == local(2026, 3, 11, 23)
    # 15:59 UTC is 22:59 local, 16:00 UTC is 23:00 local.
    assert citizen_deadline(datetime(2026, 3, 10, 15, 59, tzinfo=UTC)) == local(2026, 3, 10, 23)
    assert citizen_deadline(datetime(2026, 3, 10, 16, 0, tzinfo=UTC)) == local(2026, 3, 11, 8)


def test_an_arrival_in_any_zone_counts_on_the_local_day():
    # 18:00 in Paris in summer (UTC+2) is 23:00 in Hà Nội; in winter (UTC+1), midnight.
    assert citizen_deadline(datetime(2026, 7, 1, 18, 0, tzinfo=PARIS)) == local(2026, 7, 2, 8)
    assert citizen_deadline(datetime(2026, 1, 1, 18, 0, tzinfo=PARIS)) == local(2026, 1, 2, 23)
    fixed = timezone(timedelta(hours=-5))
    assert citizen_deadline(datetime(2026, 3, 10, 10, 59, tzinfo=fixed)) == local(2026, 3, 10, 23)


@pytest.mark.parametrize("deadline", [citizen_deadline, to_local])
def test_naive_datetimes_are_refused(deadline):
    with pytest.raises(ValueError, match="naive"):
        deadline(datetime(2026, 3, 10, 12, 0))  # noqa: DTZ001


# --- Foreigners: Law 47/2014, art. 33(2) -----------------------------------------------------


@pytest.mark.parametrize(
    ("arrival", "remote", "deadline"),
    [
        (local(2026, 3, 10, 9, 0), False, local(2026, 3, 10, 21, 0)),
        (local(2026, 3, 10, 22, 59), False, local(2026, 3, 11, 10, 59)),
        (local(2026, 3, 10, 23, 0), False, local(2026, 3, 11, 11, 0)),
        (local(2026, 3, 10, 0, 0), False, local(2026, 3, 10, 12, 0)),
        (local(2026, 3, 10, 23, 59, 59), False, local(2026, 3, 11, 11, 59, 59)),
        (local(2026, 3, 10, 9, 0), True, local(2026, 3, 11, 9, 0)),
        (local(2026, 12, 31, 23, 30), True, local(2027, 1, 1, 23, 30)),
    ],
)
def test_a_foreigner_is_due_12_hours_after_arrival_or_24_in_remote_wards(arrival, remote, deadline):
    assert foreigner_deadline(arrival, remote=remote) == deadline


def test_a_wards_own_limits_replace_the_defaults():
    arrival = local(2026, 3, 10, 9, 0)
    assert foreigner_deadline(arrival, remote=False, hours_normal=6) == local(2026, 3, 10, 15)
    assert foreigner_deadline(arrival, remote=True, hours_remote=48) == local(2026, 3, 12, 9)
    assert foreigner_deadline(arrival, remote=False, hours_remote=48) == local(2026, 3, 10, 21)


def test_a_limit_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        foreigner_deadline(local(2026, 3, 10, 9), remote=False, hours_normal=0)


def test_a_foreigner_deadline_counts_elapsed_hours_even_across_a_dst_change():
    # 29 March 2026, 01:30 in Paris: the clocks jump from 02:00 to 03:00 an hour later.
    # Twelve hours later is 14:30 Paris time (12:30 UTC), not 13:30: elapsed, not wall-clock.
    arrival = datetime(2026, 3, 29, 1, 30, tzinfo=PARIS)
    deadline = foreigner_deadline(arrival, remote=False)
    assert deadline == datetime(2026, 3, 29, 12, 30, tzinfo=UTC)
    assert deadline - arrival == timedelta(hours=12)
    assert deadline.tzinfo == LOCAL_TZ


def test_a_foreigner_arrival_in_utc_gives_the_same_instant():
    arrival = datetime(2026, 3, 10, 17, 30, tzinfo=UTC)
    assert foreigner_deadline(arrival, remote=False) == local(2026, 3, 11, 12, 30)


def test_naive_arrivals_of_foreigners_are_refused():
    with pytest.raises(ValueError, match="naive"):
        foreigner_deadline(datetime(2026, 3, 10, 12, 0), remote=False)  # noqa: DTZ001


# --- Late ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed_at", "late"),
    [
        (local(2026, 3, 10, 22, 59, 59, 999_999), False),
        (local(2026, 3, 10, 23, 0), False),  # exactly at the deadline: on time
        (local(2026, 3, 10, 23, 0, 0, 1), True),
        (local(2026, 3, 10, 23, 1), True),
        (local(2026, 3, 11, 7, 0), True),
    ],
)
def test_a_declaration_filed_after_its_deadline_is_late(filed_at, late):
    deadline = citizen_deadline(local(2026, 3, 10, 20, 0))
    assert is_late(filed_at, deadline) is late


def test_late_marking_compares_instants_not_wall_clocks():
    deadline = citizen_deadline(local(2026, 3, 10, 20, 0))  # 23:00 local, 16:00 UTC
    assert not is_late(datetime(2026, 3, 10, 16, 0, tzinfo=UTC), deadline)
    assert is_late(datetime(2026, 3, 10, 16, 0, 1, tzinfo=UTC), deadline)
    # 17:00 in Paris (winter) is 23:00 in Hà Nội.
    assert not is_late(datetime(2026, 3, 10, 17, 0, tzinfo=PARIS), deadline)


def test_late_marking_at_the_next_morning_edge():
    deadline = citizen_deadline(local(2026, 3, 10, 23, 0))
    assert not is_late(local(2026, 3, 11, 7, 59, 59), deadline)
    assert not is_late(local(2026, 3, 11, 8, 0), deadline)
    assert is_late(local(2026, 3, 11, 8, 0, 1), deadline)


def test_late_marking_for_foreigners_in_a_remote_ward():
    deadline = foreigner_deadline(local(2026, 3, 10, 9, 0), remote=True)
    assert not is_late(local(2026, 3, 10, 21, 0, 1), deadline)  # late in a normal ward
    assert not is_late(local(2026, 3, 11, 9, 0), deadline)
    assert is_late(local(2026, 3, 11, 9, 0, 1), deadline)


def test_late_marking_refuses_naive_datetimes():
    deadline = citizen_deadline(local(2026, 3, 10, 20, 0))
    with pytest.raises(ValueError, match="naive"):
        is_late(datetime(2026, 3, 10, 23, 30), deadline)  # noqa: DTZ001


# --- The countdown (reads the clock) ---------------------------------------------------------


def test_the_countdown_runs_from_now():
    deadline = foreigner_deadline(local(2026, 3, 10, 9, 0), remote=False)
    with time_machine.travel(local(2026, 3, 10, 9, 0), tick=False):
        assert time_left(deadline) == timedelta(hours=12)
    with time_machine.travel(datetime(2026, 3, 10, 13, 59, tzinfo=UTC), tick=False):
        assert time_left(deadline) == timedelta(minutes=1)
    with time_machine.travel(local(2026, 3, 10, 21, 30), tick=False):
        assert time_left(deadline) == -timedelta(minutes=30)


def test_the_countdown_agrees_with_late_marking_at_the_deadline():
    deadline = citizen_deadline(local(2026, 3, 10, 20, 0))
    with time_machine.travel(deadline, tick=False):
        now = datetime.now(tz=UTC)
        assert time_left(deadline) == timedelta(0)
        assert not is_late(now, deadline)


def test_the_countdown_accepts_an_explicit_now():
    deadline = citizen_deadline(local(2026, 3, 10, 20, 0))
    assert time_left(deadline, now=local(2026, 3, 10, 22, 0)) == timedelta(hours=1)
    with pytest.raises(ValueError, match="naive"):
        time_left(deadline, now=datetime(2026, 3, 10, 22, 0))  # noqa: DTZ001
