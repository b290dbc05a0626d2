from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from establishments.models import Establishment, Status
from guests.deadlines import LOCAL_TZ
from guests.models import Declaration, RegisterClosing, ReviewStatus
from tests import factories as f
from wards.models import Flag, FlagKind

pytestmark = pytest.mark.usefixtures("frozen_clock")

NOW = datetime(2025, 9, 10, 14, 0, tzinfo=LOCAL_TZ)
DAY = date(2025, 9, 9)


def close(establishment, by, *, day=DAY, foreigners=0, citizens=0):
    return RegisterClosing.objects.create(
        establishment=establishment,
        day=day,
        foreigners=foreigners,
        citizens=citizens,
        late=0,
        closed_by=by,
        closed_at=NOW - timedelta(hours=10),
    )


def arrive(establishment, by, *, hour=10, day=DAY):
    """A guest of ``day``, filed on time: lateness and flags are set by each test."""
    declaration = f.make_declaration(
        establishment=establishment,
        by=by,
        arrival=datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ) + timedelta(hours=hour),
    )
    Declaration.objects.filter(pk=declaration.pk).update(late=False)
    Flag.objects.filter(declaration=declaration).delete()
    return declaration


@pytest.fixture(autouse=True)
def approved_long_ago(db):
    """The cast's lodgings were approved before DAY, so they owe its register (created later,
    they would not: see test_a_lodging_approved_today_owes_nothing_for_yesterday)."""
    approve_long_ago()


def approve_long_ago():
    Establishment.objects.update(created_at=NOW - timedelta(days=60))


def rows_by_name(response):
    return {row.name: row for row in response.context["rows"]}


def test_it_counts_each_establishment_of_the_ward_on_the_chosen_day(
    client, omar, establishment, alice, rita, ward
):
    nil = f.make_establishment(ward=ward, name="Nhà nghỉ Nil")
    missing = f.make_establishment(ward=ward, name="Homestay Missing")
    approve_long_ago()
    first, second, third = (arrive(establishment, rita, hour=h) for h in (8, 9, 10))
    arrive(establishment, rita, day=DAY + timedelta(days=1), hour=1)  # another day
    Declaration.objects.filter(pk=first.pk).update(late=True)
    Declaration.objects.filter(pk__in=[first.pk, second.pk]).update(
        review_status=ReviewStatus.RETURNED
    )
    close(establishment, alice, citizens=3)
    close(nil, alice)
    Flag.objects.create(
        kind=FlagKind.MISSING, establishment=missing, ward=ward, day=DAY, raised_at=NOW
    )
    Flag.objects.create(
        kind=FlagKind.LATE,
        establishment=establishment,
        ward=ward,
        declaration=first,
        raised_at=NOW,
        resolved_at=NOW,
        resolution="Called them.",
    )

    response = f.login(client, omar).get(reverse("wards:board"), {"day": "2025-09-09"})

    assert response.status_code == 200
    rows = rows_by_name(response)
    assert set(rows) == {establishment.name, nil.name, missing.name}
    hk = rows[establishment.name]
    assert (hk.closed, hk.closing_total, hk.filed, hk.late_count, hk.returned_count) == (
        True,
        3,
        3,
        1,
        2,
    )
    assert hk.open_flags == 0  # the late flag was resolved
    assert (rows[nil.name].closed, rows[nil.name].closing_total, rows[nil.name].filed) == (
        True,
        0,
        0,
    )
    assert (rows[missing.name].closed, rows[missing.name].open_flags) == (False, 1)
    assert response.context["missing"] == 1
    assert third.pk  # counted above


def test_it_shows_nil_returns_and_registers_not_closed(client, cora, establishment, alice, english):
    close(establishment, alice)
    f.make_establishment(ward=establishment.ward, name="Homestay Missing")
    approve_long_ago()

    response = f.login(client, cora).get(reverse("wards:board"), {"day": "2025-09-09"})

    body = response.content.decode()
    assert "Nil return" in body
    assert "Not closed" in body
    assert "1 register not closed" in body


def test_it_opens_on_yesterday_before_the_cutoff_and_on_today_after(client, omar):
    f.login(client, omar)
    assert client.get(reverse("wards:board")).context["day"] == date(2025, 9, 10)
    with time_machine.travel(datetime(2025, 9, 10, 7, 0, tzinfo=LOCAL_TZ), tick=False):
        assert client.get(reverse("wards:board")).context["day"] == DAY


def test_it_leaves_out_other_wards_and_inactive_establishments(
    client, omar, establishment, other_establishment
):
    f.make_establishment(ward=establishment.ward, name="Closed down", status=Status.CLOSED)

    response = f.login(client, omar).get(reverse("wards:board"))

    assert list(rows_by_name(response)) == [establishment.name]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["A", "B", "C"]),
        ("-name", ["C", "B", "A"]),
        ("-filed", ["B", "C", "A"]),
        ("filed", ["A", "C", "B"]),
        ("closed", ["A", "C", "B"]),
        ("-flags", ["C", "A", "B"]),
        ("drop table", ["A", "B", "C"]),
    ],
)
def test_it_sorts_by_a_whitelisted_column(client, omar, ward, sort, expected):
    a, b, c = (f.make_establishment(ward=ward, name=n) for n in "ABC")
    desk_b = f.make_staff(establishment=b)
    desk_c = f.make_staff(establishment=c)
    arrive(b, desk_b, hour=8)
    arrive(b, desk_b, hour=9)
    arrive(c, desk_c, hour=8)
    close(b, desk_b, citizens=2)
    close(c, desk_c)
    Flag.objects.create(kind=FlagKind.MISSING, establishment=c, ward=ward, day=DAY, raised_at=NOW)

    response = f.login(client, omar).get(
        reverse("wards:board"), {"day": "2025-09-09", "sort": sort}
    )

    assert [row.name for row in response.context["rows"]] == expected


def test_it_refuses_a_future_day_and_shows_the_default(client, omar, english):
    response = f.login(client, omar).get(reverse("wards:board"), {"day": "2025-09-11"})

    assert response.context["day"] == date(2025, 9, 10)
    assert "Choose today or a day in the past." in response.content.decode()


def test_it_is_for_the_ward_police_only(client, alice, rita, ivan):
    for user in (alice, rita, ivan):
        client.logout()
        assert f.login(client, user).get(reverse("wards:board")).status_code == 403


def test_it_runs_the_same_number_of_queries_for_3_and_30_establishments(
    client, omar, ward, django_assert_num_queries
):
    def populate(n):
        for _ in range(n):
            e = f.make_establishment(ward=ward)
            desk = f.make_staff(establishment=e)
            arrive(e, desk)
            close(e, desk, citizens=1)
            Flag.objects.create(
                kind=FlagKind.MISSING, establishment=e, ward=ward, day=DAY, raised_at=NOW
            )

    f.login(client, omar)
    client.get(reverse("wards:board"))  # warm the session
    populate(3)
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("wards:board"), {"day": "2025-09-09"})
    assert len(response.context["rows"]) == 3
    populate(27)
    with django_assert_num_queries(len(three)):
        response = client.get(reverse("wards:board"), {"day": "2025-09-09"})
    assert len(response.context["rows"]) == 30


def test_a_lodging_approved_today_owes_nothing_for_yesterday(client, omar, ward, english):
    new = f.make_establishment(ward=ward, name="Homestay New")  # created NOW, the day after DAY

    response = f.login(client, omar).get(reverse("wards:board"), {"day": "2025-09-09"})

    row = rows_by_name(response)[new.name]
    assert (row.owes, row.closed) == (False, False)
    assert "Not yet due" in response.content.decode()
    assert response.context["missing"] == 0
    today = f.login(client, omar).get(reverse("wards:board"), {"day": "2025-09-10"})
    assert rows_by_name(today)[new.name].owes is True
