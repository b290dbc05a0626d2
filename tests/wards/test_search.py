"""The ward's search: names accent-insensitively, document numbers exactly, within the ward."""

from __future__ import annotations

import copy
import logging
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from guests.models import Declaration
from tests import factories as f
from wards.models import AccessAction, AccessLog
from wards.search.queries import RESULT_LIMIT, QueryTooShort, parse_query, search_declarations

pytestmark = pytest.mark.usefixtures("english")

SEARCH = reverse("wards:search")


def post(client, query: str, **extra):
    return client.post(SEARCH, {"q": query}, **extra)


def names(response) -> list[str]:
    return [d.full_name for d in response.context["result"].declarations]


def test_it_finds_a_name_typed_without_accents(client, omar, establishment, rita):
    f.make_declaration(establishment=establishment, by=rita, full_name="Nguyễn Văn A")
    f.make_declaration(establishment=establishment, by=rita, full_name="Trần Thị Bình")
    f.login(client, omar)
    response = post(client, "Nguyen Van A")
    assert response.status_code == 200
    assert names(response) == ["Nguyễn Văn A"]
    assert "Nguyễn Văn A" in response.content.decode()


def test_it_finds_a_name_stored_without_accents_from_a_query_with_them(
    client, omar, establishment, rita
):
    f.make_declaration(
        establishment=establishment, by=rita, full_name="DANG Minh", kind="foreigner"
    )
    f.login(client, omar)
    assert names(post(client, "đặng")) == ["DANG Minh"]


def test_every_word_of_the_query_must_be_in_the_name(client, omar, establishment, rita):
    f.make_declaration(establishment=establishment, by=rita, full_name="Lê Văn Hùng")
    f.make_declaration(establishment=establishment, by=rita, full_name="Lê Thị Hoa")
    f.make_declaration(establishment=establishment, by=rita, full_name="Phạm Văn Hùng")
    f.login(client, omar)
    assert names(post(client, "hung le")) == ["Lê Văn Hùng"]
    assert sorted(names(post(client, "hung"))) == ["Lê Văn Hùng", "Phạm Văn Hùng"]


def test_a_one_letter_word_matches_the_start_of_a_word_only(client, omar, establishment, rita):
    f.make_declaration(establishment=establishment, by=rita, full_name="Nguyễn Văn A")
    f.make_declaration(establishment=establishment, by=rita, full_name="Nguyễn Văn Bảo")
    f.login(client, omar)
    assert names(post(client, "nguyen a")) == ["Nguyễn Văn A"]


def test_it_finds_a_document_number_exactly_whatever_its_case(client, omar, establishment, rita):
    f.make_declaration(
        establishment=establishment,
        by=rita,
        full_name="Jean DUPONT",
        kind="foreigner",
        document_number="AB1234567",
    )
    f.make_declaration(
        establishment=establishment,
        by=rita,
        full_name="Marie DUPONT",
        kind="foreigner",
        document_number="AB12345678",
    )
    f.login(client, omar)
    response = post(client, " ab1234567 ")
    assert response.context["result"].kind == "document"
    assert names(response) == ["Jean DUPONT"]


def test_it_finds_a_personal_identification_number(client, omar, establishment, rita):
    f.make_declaration(establishment=establishment, by=rita, document_number="001090000777")
    f.login(client, omar)
    assert names(post(client, "001090000777")) == ["Nguyễn Văn An"]
    assert names(post(client, "00109000077")) == []


def test_it_does_not_find_a_guest_of_another_ward(
    client, omar, establishment, rita, other_establishment, ron
):
    f.make_declaration(establishment=establishment, by=rita, full_name="Nguyễn Văn Nam")
    f.make_declaration(
        establishment=other_establishment,
        by=ron,
        full_name="Nguyễn Văn Bắc",
        document_number="001090000888",
    )
    f.login(client, omar)
    assert names(post(client, "nguyen van")) == ["Nguyễn Văn Nam"]
    response = post(client, "001090000888")
    assert names(response) == []
    assert "No guest of this ward matches." in response.content.decode()


def test_it_asks_for_at_least_three_letters(client, omar, establishment, rita):
    f.make_declaration(establishment=establishment, by=rita, full_name="Lê An")
    f.login(client, omar)
    response = post(client, "Lê")
    assert response.status_code == 200
    assert response.context["result"] is None
    assert "Type at least 3 letters of a name, or a whole document number." in (
        response.content.decode()
    )
    assert not AccessLog.objects.exists()
    assert names(post(client, "Lê An")) == ["Lê An"]


def test_it_tells_a_document_number_from_a_name():
    assert parse_query("b1234567").kind == "document"
    assert parse_query("B1234567").document_number == "B1234567"
    assert parse_query("079123456789").kind == "document"
    assert parse_query("nguyen").kind == "name"
    assert parse_query("Nguyễn Văn A").words == ("nguyen", "van", "a")
    assert parse_query("ab 123456").kind == "name"
    with pytest.raises(QueryTooShort):
        parse_query(" a b ")


def test_it_shows_the_newest_fifty_and_asks_to_refine_beyond(client, omar, establishment, rita):
    first = f.make_declaration(establishment=establishment, by=rita, full_name="Vũ Thị Mai")
    clones = []
    for i in range(RESULT_LIMIT):
        clone = copy.copy(first)
        clone.pk = None
        clone.submission_key = uuid.uuid4()
        clone.document_number = f"079190{i:06d}"
        clones.append(clone)
    Declaration.objects.bulk_create(clones)
    f.login(client, omar)
    response = post(client, "vu mai")
    result = response.context["result"]
    assert len(result.declarations) == RESULT_LIMIT
    assert result.truncated
    assert first not in result.declarations  # the oldest is the one left out
    assert "refine your search" in response.content.decode()
    log = AccessLog.objects.get()
    assert log.results == RESULT_LIMIT + 1


def test_every_search_writes_an_access_log_row_with_its_count(
    client, omar, ward, establishment, rita
):
    f.make_declaration(establishment=establishment, by=rita, full_name="Hoàng Văn Đức")
    f.login(client, omar)
    post(client, "hoang duc", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Phone/1.0")
    post(client, "Nobody Here")
    first, second = AccessLog.objects.order_by("id")
    assert (first.user, first.ward, first.action) == (omar, ward, AccessAction.SEARCH)
    assert (first.query, first.results) == ("hoang duc", 1)
    assert (first.ip_address, first.user_agent) == ("203.0.113.9", "Phone/1.0")
    assert (second.query, second.results) == ("Nobody Here", 0)


def test_opening_the_search_page_writes_nothing(client, omar):
    f.login(client, omar)
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert not AccessLog.objects.exists()


def test_the_search_terms_do_not_reach_the_application_log(
    client, omar, establishment, rita, caplog
):
    f.make_declaration(establishment=establishment, by=rita, full_name="Quách Zyxwvu")
    f.login(client, omar)
    # The debug cursor makes Django log every SQL statement with its parameters (as under
    # DEBUG=1): the settings keep django.db.backends at WARNING, so they stay out of the log.
    connection.force_debug_cursor = True
    try:
        with caplog.at_level(logging.DEBUG):
            post(client, "Quach Zyxwvu")
            post(client, "ZQ9876543")
            logging.getLogger("wards").warning("capture check")
    finally:
        connection.force_debug_cursor = False
    assert caplog.records  # the capture works
    text = caplog.text + " ".join(str(r.args) for r in caplog.records)
    for term in ("zyxwvu", "Zyxwvu", "ZQ9876543"):
        assert term not in text


def test_the_search_needs_a_post_with_a_csrf_token(omar):
    from django.test import Client

    client = f.login(Client(enforce_csrf_checks=True), omar)
    response = client.post(SEARCH, {"q": "nguyen"})
    assert response.status_code == 403
    assert not AccessLog.objects.exists()


def test_the_query_is_not_in_the_url(client, omar):
    f.login(client, omar)
    content = client.get(SEARCH).content.decode()
    assert 'method="post"' in content


def test_it_checks_the_role(client, alice, rita, ivan):
    for user in (alice, rita, ivan):
        client.logout()
        f.login(client, user)
        assert post(client, "nguyen").status_code == 403
        assert client.get(SEARCH).status_code == 403
    assert not AccessLog.objects.exists()


def test_a_commander_can_search_too(client, cora, establishment, rita):
    f.make_declaration(establishment=establishment, by=rita, full_name="Đỗ Văn Cường")
    f.login(client, cora)
    assert names(post(client, "do cuong")) == ["Đỗ Văn Cường"]


def test_the_service_returns_results_newest_first(ward, establishment, rita):
    older = f.make_declaration(establishment=establishment, by=rita, full_name="Bùi Văn Tâm")
    newer = f.make_declaration(establishment=establishment, by=rita, full_name="Bùi Thị Tâm")
    result = search_declarations(ward=ward, query="bui tam")
    assert result.declarations == [newer, older]
    assert not result.truncated


def test_the_results_page_runs_a_fixed_number_of_queries(
    client, omar, establishment, rita, django_assert_num_queries
):
    f.login(client, omar)
    f.make_declaration(establishment=establishment, by=rita, full_name="Tô Văn Lâm")
    post(client, "to lam")  # warm the session and the middleware's caches
    # 8: the page's 7 and the navbar's badges (one query, wards.comm.queries.officer_badges).
    with django_assert_num_queries(8) as few:
        post(client, "to lam")
    other = f.make_establishment(ward=establishment.ward)
    for i in range(5):
        f.make_declaration(establishment=other, by=rita, full_name=f"Tô Văn Lâm {i}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = post(client, "to lam")
    assert len(response.context["result"].declarations) == 6
