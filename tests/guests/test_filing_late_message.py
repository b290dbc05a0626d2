"""The filing confirmation says when a filing was late, with the deadline it missed."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import translation

from guests.deadlines import LOCAL_TZ
from guests.models import Declaration
from tests import factories as f
from tests.guests.helpers import CITIZEN_URL, FOREIGNER_URL, citizen, foreigner, post

pytestmark = pytest.mark.usefixtures("frozen_clock")

# 10:00 in Hà Nội.
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)


def messages_of(client, url) -> str:
    return client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "vi",
            "Đã khai báo trễ hạn: Anna Maria Eriksson, phòng 101. "
            "Hạn khai báo là 15/06/2026 08:00.",
        ),
        ("en", "Filed late: Anna Maria Eriksson, room 101. The deadline was 15/06/2026 08:00."),
    ],
)
def test_a_late_foreigner_filing_says_late_with_the_local_deadline(
    client, rita, settings, language, expected
):
    settings.LANGUAGE_CODE = language
    desk = f.login(client, rita)
    # Arrived 20:00 the evening before: 12 hours, so due at 08:00 this morning.
    response = post(desk, FOREIGNER_URL, foreigner(), arrival="2026-06-14T20:00")
    assert response.status_code == 302
    declaration = Declaration.objects.get()
    assert declaration.late
    with translation.override(language):
        html = messages_of(desk, response.url)
    assert expected in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("vi", "Đã khai báo: Nguyễn Thị  Hoà, phòng 101.", "trễ hạn"),
        ("en", "Filed: Nguyễn Thị  Hoà, room 101.", "late"),
    ],
)
def test_an_on_time_filing_does_not_say_late(client, rita, settings, language, expected, absent):
    settings.LANGUAGE_CODE = language
    desk = f.login(client, rita)
    response = post(desk, CITIZEN_URL, citizen())
    assert response.status_code == 302
    assert not Declaration.objects.get().late
    html = messages_of(desk, response.url)
    assert expected in html
    assert "Hạn khai báo là" not in html
    assert "The deadline was" not in html
    assert f"Filed {absent}" not in html and f"khai báo {absent}" not in html


@pytest.mark.django_db
def test_a_late_citizen_filing_says_late_in_vietnamese_by_default(client, rita, settings):
    settings.LANGUAGE_CODE = "vi"
    desk = f.login(client, rita)
    # Arrived 09:00 the day before: due 23:00 that day.
    response = post(desk, CITIZEN_URL, citizen(), arrival="2026-06-14T09:00")
    assert response.status_code == 302
    html = messages_of(desk, response.url)
    assert (
        "Đã khai báo trễ hạn: Nguyễn Thị  Hoà, phòng 101. Hạn khai báo là 14/06/2026 23:00." in html
    )
