"""The office's queue: its province's waiting applications, oldest first, filtered, in keyset
pages; the applications with the applicant and the latest decisions on their own tabs."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from immigration.models import Application, Kind, State
from immigration.office import queries
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english")

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def submitted(establishment, alice, *, at: datetime, **fields) -> Application:
    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=fields.pop("state", State.SUBMITTED), **fields
    )
    Application.objects.filter(pk=application.pk).update(submitted_at=at)
    return application


def queue(client, **params) -> str:
    return client.get(reverse("immigration:queue"), params).content.decode()


def test_it_lists_the_oldest_submission_first(client, ivan, alice, establishment):
    now = timezone.now()
    newer = submitted(establishment, alice, at=now - timedelta(hours=1), full_name="Newer One")
    older = submitted(establishment, alice, at=now - timedelta(days=3), full_name="Older One")
    f.login(client, ivan)

    page = queue(client)

    assert page.index(older.reference) < page.index(newer.reference)


def test_it_shows_the_working_days_left_and_the_late_badge(client, ivan, alice, establishment):
    on_time = submitted(establishment, alice, at=timezone.now(), full_name="On Time")
    late = submitted(establishment, alice, at=timezone.now(), full_name="Past Due")
    Application.objects.filter(pk=late.pk).update(
        due_at=timezone.now() - timedelta(days=10), overdue_at=timezone.now()
    )
    f.login(client, ivan)

    page = queue(client)

    assert "working days left" in page or "working day left" in page
    assert "late by" in page and "LATE" in page
    assert on_time.reference in page


def test_it_filters_by_kind_state_and_lateness(client, ivan, alice, establishment):
    now = timezone.now()
    visa = submitted(establishment, alice, at=now, kind=Kind.VISA, full_name="Visa Person")
    card = submitted(
        establishment, alice, at=now, kind=Kind.RESIDENCE_CARD, full_name="Card Person"
    )
    accepted = submitted(
        establishment, alice, at=now, state=State.ACCEPTED, full_name="Accepted Person"
    )
    late = submitted(establishment, alice, at=now, full_name="Late Person")
    Application.objects.filter(pk=late.pk).update(due_at=now - timedelta(hours=1))
    f.login(client, ivan)

    assert visa.reference in queue(client, kind="visa")
    assert card.reference not in queue(client, kind="visa")
    by_state = queue(client, state="accepted")
    assert accepted.reference in by_state and visa.reference not in by_state
    late_only = queue(client, late="on")
    assert late.reference in late_only and visa.reference not in late_only


def test_it_leaves_out_drafts_the_applicant_s_turn_and_other_provinces(
    client, ivan, alice, establishment
):
    draft = f.make_immigration_application(establishment=establishment, by=alice)
    with_applicant = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.INFO_REQUESTED
    )
    hue = f.make_sponsor(province=f.make_other_province())
    elsewhere = f.make_immigration_application(
        sponsor=hue, by=f.make_sponsor_account(sponsor=hue), state=State.SUBMITTED
    )
    f.login(client, ivan)

    page = queue(client)

    for absent in (draft, with_applicant, elsewhere):
        assert absent.reference not in page
    assert with_applicant.reference in queue(client, tab="info")


def test_it_pages_by_keyset_and_keeps_the_filters(client, ivan, alice, establishment, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    start = timezone.now() - timedelta(days=2)
    rows = [
        submitted(establishment, alice, at=start + timedelta(minutes=n // 2), kind=Kind.VISA)
        for n in range(5)
    ]  # two by two at the same instant: the id breaks the tie
    submitted(establishment, alice, at=start, kind=Kind.RESIDENCE_CARD)
    f.login(client, ivan)

    seen, params = [], {"kind": "visa"}
    for _page in range(3):
        response = client.get(reverse("immigration:queue"), params)
        page = response.content.decode()
        seen += [r.reference for r in rows if r.reference in page]
        next_query = response.context["next_query"]
        if not next_query:
            break
        assert "kind=visa" in next_query
        params = dict(parse_qsl(next_query))
    assert seen == [r.reference for r in rows]


def test_a_malformed_cursor_gives_the_first_page(client, ivan, alice, establishment):
    application = submitted(establishment, alice, at=timezone.now())
    f.login(client, ivan)

    for after in ("nonsense", "2026-13-45T00:00:00+07:00_1", "x_" + "9" * 40, "2026-01-01_1"):
        response = client.get(reverse("immigration:queue"), {"after": after})
        assert response.status_code == 200
        assert application.reference in response.content.decode()


def test_the_queue_page_reads_through_the_partial_index(client, ivan, alice, establishment):
    for _n in range(3):
        submitted(establishment, alice, at=timezone.now())
    f.login(client, ivan)
    cursor = queries.Cursor(timezone.now() - timedelta(days=1), 1)

    for params in ({}, {"kind": "visa", "state": "submitted"}, {"after": str(cursor)}):
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("immigration:queue"), params)
        (sql,) = [
            q["sql"]
            for q in captured.captured_queries
            if 'FROM "immigration_application"' in q["sql"] and "LIMIT 51" in q["sql"]
        ]
        with connection.cursor() as c:
            # A handful of rows would be read sequentially: ask which index the plan takes.
            c.execute("SET LOCAL enable_seqscan = off")
            c.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in c.fetchall())
        assert "immigration_queue" in plan, plan


def test_the_decided_tab_lists_the_latest_decision_first(client, ivan, alice, establishment):
    first = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.REFUSED
    )
    second = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.APPROVED
    )
    Application.objects.filter(pk=first.pk).update(decided_at=timezone.now() - timedelta(days=1))
    f.login(client, ivan)

    page = queue(client, tab="decided")

    assert page.index(second.reference) < page.index(first.reference)


def test_it_runs_a_fixed_number_of_queries(
    client, ivan, alice, establishment, django_assert_max_num_queries
):
    for _n in range(8):
        submitted(establishment, alice, at=timezone.now())
    f.login(client, ivan)

    with django_assert_max_num_queries(12):
        assert client.get(reverse("immigration:queue")).status_code == 200


@pytest.mark.parametrize(
    ("now", "left_or_late"),
    [
        # Due the midnight after Friday 11 Dec 2026 (five working days from Friday 4 Dec).
        (datetime(2026, 12, 7, 9, 0, tzinfo=HANOI), (False, 4)),
        (datetime(2026, 12, 10, 16, 0, tzinfo=HANOI), (False, 1)),
        (datetime(2026, 12, 11, 23, 59, tzinfo=HANOI), (False, 0)),  # the last day: due today
        (datetime(2026, 12, 12, 10, 0, tzinfo=HANOI), (True, 0)),  # Saturday: no working day yet
        (datetime(2026, 12, 15, 10, 0, tzinfo=HANOI), (True, 2)),
    ],
)
def test_the_deadline_is_counted_in_working_days(now, left_or_late):
    due = datetime(2026, 12, 12, 0, 0, tzinfo=HANOI)

    status = queries.deadline_status(due, now)

    assert (status.late, status.days) == left_or_late


def test_the_wrong_role_is_turned_away(client, alice, omar, sam):
    for user in (alice, omar, sam):
        f.login(client, user)
        assert client.get(reverse("immigration:queue")).status_code == 403


def test_the_quick_count_of_working_days_is_the_day_by_day_one():
    from datetime import date

    from immigration import workdays

    start = date(2025, 12, 20)
    for offset in range(0, 40):
        begin = start + timedelta(days=offset)
        for length in (0, 1, 2, 5, 6, 7, 8, 13, 45, 400, 800):
            end = begin + timedelta(days=length)
            assert queries.working_days_after(begin, end) == workdays.working_days_between(
                begin, end
            ), (begin, end)
