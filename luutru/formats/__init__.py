"""One way of writing dates per language, read by |date, localize and form widgets
(FORMAT_MODULE_PATH). English keeps the Vietnamese day-first order and the 24-hour clock, so a
page never shows "12/06/2026 8:05 p.m." beside "06/12/2026"."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format


def show_date(day: date) -> str:
    """A day as the pages write it, for text built in Python (messages, errors, e-mails)."""
    return date_format(day, "SHORT_DATE_FORMAT")


def show_datetime(moment: datetime) -> str:
    """A moment in Viet Nam's local time, as the pages write it; a naive one is refused."""
    return date_format(
        timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)), "SHORT_DATETIME_FORMAT"
    )
