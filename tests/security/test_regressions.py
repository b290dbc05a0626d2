"""The inputs the fuzzing found breaking a page (a server error, or a minute of work for one
request), each kept as a plain test of what the user gets now."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from guests.models import Declaration
from luutru.models import Throttle
from tests import factories as f

from .probe import filing_input, management_input, send, stay_input

CITIZEN = {
    "full_name": "Nguyễn Văn Bình",
    "sex": "M",
    "birth_date": "1990-01-01",
    "document_number": "001090012345",
    "reason": "",
}


def test_a_username_longer_than_any_account_is_a_form_error(client, db):
    # django-axes stored the failed name in a varchar(255): a DataError.
    response = send(client, "POST", reverse("login"), {"username": "A" * 300, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not Throttle.objects.exists()


@pytest.mark.parametrize("target", ["0", "home", "wards:inbox"])
def test_a_next_that_is_not_a_path_goes_to_the_inbox(clients, world, target):
    # redirect() took a bare word for the name of a URL and failed to reverse it.
    url = reverse("wards:declaration_confirm", args=[world.citizen.pk])
    response = send(clients["omar"], "POST", url, {"next": target})
    assert response["Location"] == reverse("wards:inbox")
    response = send(clients["omar"], "POST", reverse("wards:inbox_confirm"), {"next": target})
    assert response["Location"] == reverse("wards:inbox")


def test_a_next_that_is_not_a_path_after_the_second_factor_goes_home(rita):
    client = f.login(Client(), rita, verified=False)
    device = f.enrol_totp(rita)
    data = {"token": f.totp_code(device), "next": "0"}
    response = send(client, "POST", reverse("otp_verify"), data)
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("value", ["²", "١٢", "9" * 5000])
def test_ids_that_isdigit_accepts_and_int_does_not_are_refused(clients, world, value):
    omar = clients["omar"]
    confirm = reverse("wards:inbox_confirm")
    assert send(omar, "POST", confirm, {"ids": value}).status_code == 404
    one = reverse("wards:declaration_confirm", args=[world.citizen.pk])
    assert send(omar, "POST", one, {"version": value}).status_code == 302
    read = reverse("wards:notifications_read")
    assert send(omar, "POST", read, {"pk": value}).status_code == 302
    assign = reverse("wards:beat_assign", args=[world.beat.pk])
    response = send(clients["cora"], "POST", assign, {"establishments": value})
    assert response.status_code == 400


def test_a_room_with_a_nul_character_is_a_bad_request(clients, world):
    rita = clients["rita"]
    assert send(rita, "POST", reverse("guests:check_out"), {"room": "2\x0001"}).status_code == 400
    desk = send(rita, "GET", reverse("guests:desk"), {"room": "\x00"})
    assert desk.status_code == 400
    assert Declaration.objects.filter(departed_at__isnull=True).count() == 2


def test_a_thousand_guest_forms_are_refused_at_once(clients):
    # Django built max_num + 1000 forms from the posted count: a minute and 23 MB per request.
    data = {**filing_input(CITIZEN), **management_input(count=1000)}
    started = time.monotonic()
    response = send(clients["rita"], "POST", reverse("guests:file_citizen"), data)
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    assert len(response.context["formset"].forms) <= 20
    assert not Declaration.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_day_at_the_ends_of_the_calendar_is_a_form_error(clients, day):
    # Moving such a day to UTC, or to the next day, overflowed.
    rita, alice, cora, omar = (clients[n] for n in ("rita", "alice", "cora", "omar"))
    register = send(rita, "GET", reverse("guests:register"), {"day": day})
    assert register.status_code == 200 and register.context["form"].errors
    close = send(rita, "POST", reverse("guests:register_close"), {"day": day})
    assert close.status_code == 302
    period = {"date_from": "2026-01-01", "date_to": day}
    assert send(alice, "GET", reverse("guests:audit"), period).status_code == 400
    assert send(alice, "GET", reverse("guests:audit_summary"), period).status_code == 400
    assert send(alice, "GET", reverse("guests:audit_export"), period).status_code == 302
    stats = send(cora, "GET", reverse("wards:stats"), {"date_from": day, "date_to": day})
    assert stats.status_code in (200, 400) and stats.context["form"].errors
    export = send(cora, "GET", reverse("wards:stats_export"), {"date_from": day, "date_to": day})
    assert export.status_code == 400
    board = send(omar, "GET", reverse("wards:board"), {"day": day})
    assert board.status_code == 200 and board.context["form"].errors


@pytest.mark.parametrize(
    "arrival, departure",
    [
        ("2026-01-01T10:00", "9999-12-31T23:59"),
        ("0001-01-01T00:00", "2026-01-02T10:00"),
        ("0001-01-01T00:00", "0001-01-02T00:00"),
    ],
)
def test_a_stay_at_the_ends_of_the_calendar_is_not_a_server_error(
    clients, world, arrival, departure
):
    stay = {"arrival": arrival, "expected_departure": departure}
    data = {**filing_input(CITIZEN), **stay}
    response = send(clients["rita"], "POST", reverse("guests:file_citizen"), data)
    assert response.status_code in (302, 400)
    correction = {"action": "correct", **CITIZEN, **stay_input(), **stay}
    correction["document_number"] = "001190054321"
    url = reverse("guests:correct", args=[world.citizen.pk])
    assert send(clients["rita"], "POST", url, correction).status_code in (302, 400)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example"]
)
def test_a_next_off_the_site_is_never_followed(clients, world, rita, target):
    def stays_here(response) -> bool:
        location = response["Location"]
        return location.startswith("/") and not location.startswith(("//", "/\\"))

    omar = clients["omar"]
    url = reverse("wards:declaration_confirm", args=[world.citizen.pk])
    assert stays_here(send(omar, "POST", url, {"next": target}))
    url = reverse("wards:resolve_flag", args=[world.flag.pk])
    assert stays_here(send(omar, "POST", url, {"resolution": "Xong", "next": target}))
    client = f.login(Client(), rita, verified=False)
    device = f.enrol_totp(rita)
    data = {"token": f.totp_code(device), "next": target}
    assert stays_here(send(client, "POST", reverse("otp_verify"), data))
    language = send(Client(), "POST", reverse("set_language"), {"language": "en", "next": target})
    assert stays_here(language)
