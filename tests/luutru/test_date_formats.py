"""One date format per language: day first and 24-hour, in Vietnamese and in English."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.timesince import timesince

from guests.models import document_warnings

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
EVENING = datetime(2026, 6, 12, 20, 5, tzinfo=HANOI)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_templates_write_dates_day_first_and_times_on_24_hours(language):
    template = Template(
        '{{ when|date:"SHORT_DATETIME_FORMAT" }}|{{ when|date:"DATETIME_FORMAT" }}|'
        '{{ when|date:"SHORT_DATE_FORMAT" }}|{{ when|date }}|{{ when|time }}|{{ when }}'
    )
    with translation.override(language), timezone.override(HANOI):
        text = template.render(Context({"when": EVENING}))

    assert text == "12/06/2026 20:05|12/06/2026 20:05|12/06/2026|12/06/2026|20:05|12/06/2026 20:05"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_date_field_reads_a_day_first_date_and_iso(language):
    with translation.override(language):
        field = forms.DateField()
        assert field.clean("15/04/2012") == date(2012, 4, 15)
        assert field.clean("2012-04-15") == date(2012, 4, 15)


@pytest.mark.parametrize(
    ("language", "text"),
    [("vi", "15/04/2012"), ("en", "The passport expired on 15/04/2012.")],
)
def test_a_document_warning_writes_its_date_day_first(language, text):
    with translation.override(language):
        warnings = document_warnings(
            document_expiry=date(2012, 4, 15),
            visa_expiry=None,
            arrival=EVENING,
            expected_departure=EVENING + timedelta(days=1),
        )
        message = str(warnings[0])

    assert text in message
    assert "2012-04-15" not in message


def test_time_since_is_all_vietnamese():
    template = Template(
        "{% load i18n %}{% blocktranslate trimmed with when=sent|timesince:now %}"
        "Sent {{ when }} ago{% endblocktranslate %}"
    )
    with translation.override("vi"):
        text = template.render(Context({"sent": EVENING - timedelta(minutes=2), "now": EVENING}))
        long_ago = timesince(EVENING - timedelta(days=9, hours=3), EVENING)

    assert text == "Gửi cách đây 2\xa0phút"
    assert long_ago == "1\xa0tuần, 2\xa0ngày"
