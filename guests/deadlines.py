"""When a guest must have been reported to the ward police, and whether a filing was late; the
local days everything else counts in.

Pure functions of aware datetimes: no database, no settings. Day boundaries are those of the
lodging, in Asia/Ho_Chi_Minh, whatever zone the arguments come in (the database hands back
UTC). Viet Nam has no daylight saving time, but nothing here relies on that: durations are
added on the UTC time line and only then shown in local time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from luutru.models import FOREIGNER_DEADLINE_HOURS, FOREIGNER_DEADLINE_HOURS_REMOTE

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Law on Residence 2020 (68/2020/QH14), art. 30(4).
CITIZEN_DAY_CUTOFF = time(23, 0)
CITIZEN_NEXT_MORNING = time(8, 0)


def to_local(moment: datetime) -> datetime:
    """``moment`` in Viet Nam's local time; a naive datetime is refused, never guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: give it a time zone")
    return moment.astimezone(LOCAL_TZ)


# --- local days ---------------------------------------------------------------------------------


def local_day(moment: datetime) -> date:
    """The lodging's calendar day of ``moment``: 23:30 in Hà Nội is 16:30 UTC, the same day."""
    return to_local(moment).date()


def local_today() -> date:
    return local_day(timezone.now())


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local day; 23:30 in Hà Nội is 16:30 UTC, still the same day."""
    return day_start(day), day_start(day + timedelta(days=1))


def this_month(today: date | None = None) -> tuple[date, date]:
    """The first and last local day of the current month."""
    today = today or local_today()
    first = today.replace(day=1)
    next_first = (first + timedelta(days=32)).replace(day=1)
    return first, next_first - timedelta(days=1)


# --- deadlines ----------------------------------------------------------------------------------


def citizen_deadline(arrival: datetime) -> datetime:
    """The moment by which a Vietnamese citizen's stay must have been reported.

    Law on Residence 2020, art. 30(4): the stay is reported "before 23:00 of the day the stay
    starts; where the guest arrives after 23:00, before 08:00 of the next day".

    A guest arriving at 23:00:00 exactly could not be reported *before* 23:00, so 23:00 itself
    counts as "after 23:00": arrivals from 23:00:00 to 23:59:59.999999 are due at 08:00 the
    next morning. A guest arriving after midnight (00:00-07:59) has started the stay on that
    new day, and so has until 23:00 of it.
    """
    local = to_local(arrival)
    if local.time() < CITIZEN_DAY_CUTOFF:
        return datetime.combine(local.date(), CITIZEN_DAY_CUTOFF, tzinfo=LOCAL_TZ)
    return datetime.combine(local.date() + timedelta(days=1), CITIZEN_NEXT_MORNING, tzinfo=LOCAL_TZ)


def foreigner_deadline(
    arrival: datetime,
    *,
    remote: bool,
    hours_normal: int = FOREIGNER_DEADLINE_HOURS,
    hours_remote: int = FOREIGNER_DEADLINE_HOURS_REMOTE,
) -> datetime:
    """The moment by which a foreigner's temporary residence must have been declared.

    Law 47/2014/QH13, art. 33(2): the lodging sends the declaration to the ward police "within
    12 hours, or within 24 hours in remote and isolated areas, of the foreigner's arrival at
    the lodging". The 2023 amendment (Law 23/2023/QH15) asks electronic declarations to be
    made at once; the portal counts down from arrival but keeps these limits as the late line.
    The hours are the ward's (``luutru.models.Ward.foreigner_deadline_hours``), hence the
    keyword arguments (a ward's ``remote`` flag picks ``hours_remote``).
    """
    hours = hours_remote if remote else hours_normal
    if hours <= 0:
        raise ValueError(f"a declaration period must be positive, not {hours} hours")
    # Aware arithmetic in a zone with DST adds wall-clock time, not elapsed time: go through UTC.
    return (to_local(arrival).astimezone(UTC) + timedelta(hours=hours)).astimezone(LOCAL_TZ)


def is_late(filed_at: datetime, deadline: datetime) -> bool:
    """Whether a declaration filed at ``filed_at`` missed ``deadline`` (DESIGN: "late").

    Filed exactly at the deadline is on time: the deadline is the last moment that counts as
    "within 12 hours", and for citizens the law's "before 23:00" is read as "by 23:00:00", so
    that a filing cannot be late by less than a microsecond. Anything after it is late.
    """
    return to_local(filed_at) > to_local(deadline)


def time_left(deadline: datetime, *, now: datetime | None = None) -> timedelta:
    """What the countdown shows: the time until ``deadline``, negative once it has passed."""
    moment = timezone.now() if now is None else now
    return to_local(deadline) - to_local(moment)
