"""The access log: the commander reads it, and no one, not even the application's own database
role, can change or delete a row of it."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from tests import factories as f
from wards.models import AccessAction, AccessLog

pytestmark = pytest.mark.usefixtures("english")

ACCESS_LOG = reverse("wards:access_log")
# The message of the pgtrigger Protect trigger access_log_append_only (a RAISE in PL/pgSQL,
# which psycopg reports as a ProgrammingError: both are DatabaseErrors).
REFUSED = "Cannot update or delete rows from wards_accesslog"


def make_entry(user, ward, *, action=AccessAction.SEARCH, query="nguyen", results=1, **fields):
    return AccessLog.objects.create(
        user=user, ward=ward, action=action, query=query, results=results, **fields
    )


def test_the_commander_reads_the_wards_searches_and_openings(
    client, cora, omar, ward, establishment, rita
):
    declaration = f.make_declaration(establishment=establishment, by=rita, full_name="Lý Văn Sơn")
    make_entry(omar, ward, query="ly son", results=1, ip_address="203.0.113.7")
    make_entry(
        omar, ward, action=AccessAction.VIEW, query="", results=None, declaration=declaration
    )
    f.login(client, cora)
    response = client.get(ACCESS_LOG)
    assert response.status_code == 200
    content = response.content.decode()
    assert "ly son" in content
    assert "203.0.113.7" in content
    assert "Lý Văn Sơn" in content
    assert "1 result" in content
    assert [row.action for row in response.context["rows"]] == ["view", "search"]


def test_it_is_for_the_commander_only(client, omar, alice, rita):
    for user in (omar, alice, rita):
        client.logout()
        f.login(client, user)
        assert client.get(ACCESS_LOG).status_code == 403


def test_another_wards_commander_never_sees_its_rows(client, carl, omar, otto, ward, other_ward):
    make_entry(omar, ward, query="secret of hoan kiem")
    make_entry(otto, other_ward, query="ba dinh search")
    f.login(client, carl)
    content = client.get(ACCESS_LOG).content.decode()
    assert "ba dinh search" in content
    assert "secret of hoan kiem" not in content


def test_it_filters_by_officer_and_action(client, cora, omar, ward):
    other = f.make_officer(ward=ward, username="olga")
    make_entry(omar, ward, query="by omar")
    make_entry(other, ward, query="by olga")
    make_entry(omar, ward, action=AccessAction.EXPORT, query="exported")
    f.login(client, cora)
    response = client.get(ACCESS_LOG, {"officer": omar.pk})
    assert {row.query for row in response.context["rows"]} == {"by omar", "exported"}
    response = client.get(ACCESS_LOG, {"officer": omar.pk, "action": "search"})
    assert [row.query for row in response.context["rows"]] == ["by omar"]


def test_it_ignores_an_officer_of_another_ward_in_the_filter(client, cora, otto, omar, ward):
    make_entry(omar, ward, query="by omar")
    f.login(client, cora)
    response = client.get(ACCESS_LOG, {"officer": otto.pk})
    assert response.status_code == 200
    # Not a choice of this ward: the filter is refused and the page shows the whole ward.
    assert [row.query for row in response.context["rows"]] == ["by omar"]


def test_it_pages_by_keyset_fifty_at_a_time(client, cora, omar, ward, django_assert_num_queries):
    AccessLog.objects.bulk_create(
        [
            AccessLog(user=omar, ward=ward, action="search", query=f"q{i:03d}", results=0)
            for i in range(120)
        ]
    )
    # Rows written in one statement share their time: the id breaks the tie.
    expected = list(AccessLog.objects.order_by("-at", "-id").values_list("query", flat=True))
    f.login(client, cora)
    seen: list[str] = []
    url = ACCESS_LOG
    pages = 0
    while url:
        response = client.get(url)
        seen += [row.query for row in response.context["rows"]]
        pages += 1
        next_url = response.context["next_url"]
        url = ACCESS_LOG + next_url if next_url else ""
        assert not next_url or re.fullmatch(r"\?after=\d+\.\d+", next_url)
    assert pages == 3
    assert seen == expected


def test_the_log_page_runs_a_fixed_number_of_queries(
    client, cora, omar, ward, establishment, rita, django_assert_num_queries
):
    f.login(client, cora)

    def fill(n: int) -> None:
        for i in range(n):
            d = f.make_declaration(establishment=establishment, by=rita, full_name=f"Khách {i}")
            make_entry(omar, ward, action=AccessAction.VIEW, declaration=d, query="", results=None)
            make_entry(omar, ward, query=f"search {i}")

    fill(2)
    client.get(ACCESS_LOG)  # warm the session and the middleware's caches
    # 7: the page's 6 and the navbar's badges (one query, wards.comm.queries.officer_badges).
    with django_assert_num_queries(7) as few:
        client.get(ACCESS_LOG)
    fill(10)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(ACCESS_LOG)


def test_there_is_no_way_to_change_the_log_through_the_page(client, cora, omar, ward):
    make_entry(omar, ward)
    f.login(client, cora)
    assert client.post(ACCESS_LOG, {"action": "search"}).status_code == 405
    assert AccessLog.objects.count() == 1


def make_row(omar, ward) -> AccessLog:
    return make_entry(omar, ward, query="original", results=3)


def assert_unchanged(row: AccessLog) -> None:
    fresh = AccessLog.objects.get(pk=row.pk)
    assert (fresh.query, fresh.results, fresh.user_id) == ("original", 3, row.user_id)


def test_the_orm_cannot_update_a_row(omar, ward):
    row = make_row(omar, ward)
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).update(query="forged")
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        row.query = "forged"
        row.save()
    assert_unchanged(row)


def test_the_orm_cannot_delete_a_row(omar, ward):
    row = make_row(omar, ward)
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).delete()
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AccessLog.objects.get(pk=row.pk).delete()
    assert_unchanged(row)


def test_raw_sql_cannot_update_a_row(omar, ward):
    row = make_row(omar, ward)
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE wards_accesslog SET query = 'forged' WHERE id = %s", [row.pk])
    assert_unchanged(row)


def test_raw_sql_cannot_delete_a_row(omar, ward):
    row = make_row(omar, ward)
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM wards_accesslog WHERE id = %s", [row.pk])
    assert_unchanged(row)


def test_the_admin_cannot_add_change_or_delete_entries(rf, admin_user):
    from django.contrib import admin

    model_admin = admin.site._registry.get(AccessLog)
    if model_admin is None:
        return  # not in the admin at all
    request = rf.get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_log_outlives_a_purged_declaration(rita, omar, establishment, rf):
    # Declarations are purged after the retention period; the trail of who opened them stays.
    from guests.models import Declaration
    from wards.services import log_access

    declaration = f.make_declaration(establishment=establishment, by=rita)
    request = rf.get("/")
    request.user = omar
    entry = log_access(
        request, ward=establishment.ward, action=AccessAction.VIEW, declaration=declaration
    )
    Declaration.objects.filter(pk=declaration.pk).delete()

    assert AccessLog.objects.filter(pk=entry.pk, declaration_id=declaration.pk).exists()
