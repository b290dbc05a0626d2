"""The review inbox: scope, order, filters and keyset pagination."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guests.models import Declaration, ReviewStatus
from tests import factories as f
from wards.inbox.queries import Cursor

pytestmark = pytest.mark.usefixtures("english")

INBOX = reverse("wards:inbox")


def listed(response) -> list[int]:
    return [row.pk for row in response.context["rows"]]


def test_it_lists_only_pending_declarations_of_the_officers_ward(
    client, omar, rita, ron, establishment, other_establishment
):
    ours = f.make_declaration(establishment=establishment, by=rita, full_name="Trần Thị Bình")
    theirs = f.make_declaration(establishment=other_establishment, by=ron, full_name="Lê Văn Cư")
    decided = f.make_declaration(establishment=establishment, by=rita)
    Declaration.objects.filter(pk=decided.pk).update(review_status=ReviewStatus.CONFIRMED)

    response = f.login(client, omar).get(INBOX)

    assert response.status_code == 200
    assert listed(response) == [ours.pk]
    assert "Trần Thị Bình" in response.content.decode()
    assert "Lê Văn Cư" not in response.content.decode()
    assert theirs.pk not in listed(response)


def test_it_shows_each_row_with_what_the_officer_decides_on(client, omar, rita, establishment):
    declaration = f.make_declaration(
        establishment=establishment, by=rita, kind="foreigner", full_name="Anna Müller", room="305"
    )
    Declaration.objects.filter(pk=declaration.pk).update(late=True)

    page = f.login(client, omar).get(INBOX).content.decode()

    for text in ("Anna Müller", "Foreigner", "FR", "Khách sạn Hoàn Kiếm", "room 305", "LATE"):
        assert text in page
    assert reverse("wards:declaration_confirm", args=[declaration.pk]) in page
    # The return link carries the inbox's place (issue 16, item 12).
    assert (
        reverse("wards:declaration", args=[declaration.pk]) + "?next=%2Fwards%2Finbox%2F#return"
        in page
    )
    assert "Confirm selected" in page


@pytest.mark.parametrize("user", ["alice", "rita", "ivan"])
def test_it_refuses_anyone_but_the_police_of_the_ward(client, request, user):
    response = f.login(client, request.getfixturevalue(user)).get(INBOX)

    assert response.status_code == 403


def test_it_lists_late_declarations_first_then_the_oldest_first(client, omar, rita, establishment):
    now = timezone.now()
    old, late_new, new, late_old = (
        f.make_declaration(establishment=establishment, by=rita) for _ in range(4)
    )
    for declaration, hours_ago, late in (
        (old, 5, False),
        (late_new, 1, True),
        (new, 2, False),
        (late_old, 3, True),
    ):
        Declaration.objects.filter(pk=declaration.pk).update(
            filed_at=now - timedelta(hours=hours_ago), late=late
        )

    response = f.login(client, omar).get(INBOX)

    assert listed(response) == [late_old.pk, late_new.pk, old.pk, new.pk]


def test_it_filters_by_establishment_and_by_kind(client, omar, rita, establishment, ward):
    second = f.make_establishment(ward=ward, name="Nhà nghỉ Hàng Bạc")
    receptionist = f.make_staff(establishment=second)
    citizen = f.make_declaration(establishment=establishment, by=rita, kind="citizen")
    foreigner = f.make_declaration(establishment=establishment, by=rita, kind="foreigner")
    elsewhere = f.make_declaration(establishment=second, by=receptionist, kind="foreigner")
    f.login(client, omar)

    by_establishment = client.get(INBOX, {"establishment": second.pk})
    by_kind = client.get(INBOX, {"kind": "foreigner"})
    both = client.get(INBOX, {"establishment": establishment.pk, "kind": "citizen"})

    assert listed(by_establishment) == [elsewhere.pk]
    assert f'<option value="{second.pk}" selected>' in by_establishment.content.decode()
    assert set(listed(by_kind)) == {foreigner.pk, elsewhere.pk}
    assert listed(both) == [citizen.pk]
    assert "Nhà nghỉ Hàng Bạc" in by_kind.content.decode()


def test_it_does_not_offer_or_apply_another_wards_establishment_as_a_filter(
    client, omar, rita, ron, establishment, other_establishment
):
    ours = f.make_declaration(establishment=establishment, by=rita)
    f.make_declaration(establishment=other_establishment, by=ron)

    response = f.login(client, omar).get(INBOX, {"establishment": other_establishment.pk})

    assert "Nhà nghỉ Ba Đình" not in response.content.decode()
    # An establishment that is not a choice is ignored: the ward's own rows, never theirs.
    assert listed(response) == [ours.pk]


def make_pending(establishment, by, count: int) -> list[Declaration]:
    """``count`` pending declarations, filed one minute apart, every third one late."""
    now = timezone.now()
    rows = [f.make_declaration(establishment=establishment, by=by) for _ in range(count)]
    for i, row in enumerate(rows):
        Declaration.objects.filter(pk=row.pk).update(
            filed_at=now - timedelta(minutes=count - i), late=i % 3 == 0
        )
    return rows


def all_pages(client) -> list[list[int]]:
    pages, url = [], INBOX
    while url:
        response = client.get(url)
        pages.append(listed(response))
        next_query = response.context["next_query"]
        url = f"{INBOX}?{next_query}" if next_query else None
    return pages


def test_it_pages_with_a_keyset_and_page_two_follows_page_one_without_overlap(
    client, omar, rita, establishment
):
    rows = make_pending(establishment, rita, 60)
    expected = list(
        Declaration.objects.filter(pk__in=[r.pk for r in rows])
        .order_by("-late", "filed_at", "id")
        .values_list("pk", flat=True)
    )

    pages = all_pages(f.login(client, omar))

    assert [len(page) for page in pages] == [25, 25, 10]
    assert [pk for page in pages for pk in page] == expected


def test_a_row_confirmed_between_two_pages_neither_repeats_nor_skips_a_row(
    client, omar, rita, establishment
):
    make_pending(establishment, rita, 30)
    f.login(client, omar)
    first = client.get(INBOX)
    Declaration.objects.filter(pk=listed(first)[0]).update(review_status=ReviewStatus.CONFIRMED)

    second = client.get(f"{INBOX}?{first.context['next_query']}")

    assert len(listed(second)) == 5
    assert not set(listed(first)) & set(listed(second))


def test_a_garbled_cursor_shows_the_first_page(client, omar, rita, establishment):
    make_pending(establishment, rita, 3)

    response = f.login(client, omar).get(INBOX, {"after": "x.y.z"})

    assert len(listed(response)) == 3


def test_a_cursor_round_trips_to_the_microsecond():
    moment = timezone.now().replace(microsecond=123457)
    cursor = Cursor(late=True, filed_at=moment, id=42)

    assert Cursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize("count", [5, 60])
def test_a_page_runs_a_fixed_number_of_queries_whatever_the_number_of_rows(
    client, omar, rita, establishment, django_assert_max_num_queries, count
):
    make_pending(establishment, rita, count)
    f.login(client, omar)

    # 8: the page's 7 and the navbar's badges (one query, wards.comm.queries.officer_badges).
    with django_assert_max_num_queries(8):
        first = client.get(INBOX)
    if count > 25:
        with django_assert_max_num_queries(8):
            client.get(f"{INBOX}?{first.context['next_query']}")


def test_pages_interleave_the_rows_of_many_establishments_in_the_wards_order(
    client, omar, rita, establishment, ward
):
    rows = make_pending(establishment, rita, 20)
    for name in ("Nhà nghỉ Hàng Bạc", "Homestay Tạ Hiện"):
        other = f.make_establishment(ward=ward, name=name)
        rows += make_pending(other, f.make_staff(establishment=other), 20)
    expected = list(
        Declaration.objects.filter(pk__in=[r.pk for r in rows])
        .order_by("-late", "filed_at", "id")
        .values_list("pk", flat=True)
    )

    pages = all_pages(f.login(client, omar))

    assert [len(page) for page in pages] == [25, 25, 10]
    assert [pk for page in pages for pk in page] == expected
