"""Correcting a declaration: each correction is a new version, the original stays."""

from __future__ import annotations

import threading
import uuid
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from guests import services
from guests.deadlines import LOCAL_TZ
from guests.models import (
    Declaration,
    DeclarationKind,
    DeclarationVersion,
    DocumentType,
    ReviewStatus,
)
from tests import factories as f
from tests.guests.helpers import citizen_post, file_citizen

pytestmark = pytest.mark.usefixtures("english")

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)


def correct_url(declaration) -> str:
    return reverse("guests:correct", args=[declaration.pk])


# --- the service --------------------------------------------------------------------------------


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_two_corrections_keep_version_1_as_it_was_filed(establishment, rita):
    declaration = file_citizen(establishment, rita)
    original = DeclarationVersion.objects.get(declaration=declaration, number=1).data

    services.correct_declaration(declaration=declaration, corrected_by=rita, data={"room": "102"})
    services.correct_declaration(
        declaration=declaration, corrected_by=rita, data={"full_name": "Nguyễn Văn Ân"}
    )

    versions = list(DeclarationVersion.objects.filter(declaration=declaration))
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[0].data == original
    assert versions[0].data["room"] == "101"
    assert versions[1].data["room"] == "102"
    assert versions[1].data["full_name"] == "Nguyễn Văn An"
    assert versions[2].data["full_name"] == "Nguyễn Văn Ân"
    assert versions[2].data["room"] == "102"
    declaration.refresh_from_db()
    assert (declaration.room, declaration.full_name) == ("102", "Nguyễn Văn Ân")


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_correction_that_changes_nothing_makes_no_version(establishment, rita):
    declaration = file_citizen(establishment, rita)
    version = services.correct_declaration(
        declaration=declaration, corrected_by=rita, data=declaration.snapshot()
    )
    assert version is None
    assert DeclarationVersion.objects.filter(declaration=declaration).count() == 1


@pytest.mark.django_db
def test_a_correction_of_the_arrival_keeps_the_deadline_and_the_late_mark(establishment, rita):
    # Filed at 23:30 for a 21:30 arrival: late against the 23:00 deadline.
    with time_machine.travel(datetime(2026, 6, 15, 23, 30, tzinfo=LOCAL_TZ), tick=False):
        declaration = file_citizen(establishment, rita)
        services.correct_declaration(
            declaration=declaration,
            corrected_by=rita,
            data={"arrival": datetime(2026, 6, 15, 23, 10, tzinfo=LOCAL_TZ)},
        )
    declaration.refresh_from_db()
    assert declaration.late
    assert declaration.deadline == datetime(2026, 6, 15, 23, 0, tzinfo=LOCAL_TZ)


@pytest.mark.django_db
def test_a_departed_guest_can_be_corrected_for_two_days_only(establishment, rita):
    with time_machine.travel(NOW, tick=False):
        declaration = file_citizen(establishment, rita)
        services.check_out(declarations=[declaration], at=NOW, by=rita)
        declaration.refresh_from_db()
    with time_machine.travel(NOW + timedelta(hours=47), tick=False):
        assert services.correct_declaration(
            declaration=declaration, corrected_by=rita, data={"room": "102"}
        )
    with time_machine.travel(NOW + timedelta(hours=49), tick=False):
        with pytest.raises(services.CorrectionClosed):
            services.correct_declaration(
                declaration=declaration, corrected_by=rita, data={"room": "103"}
            )
    assert Declaration.objects.get(pk=declaration.pk).room == "102"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_corrections_get_versions_2_and_3(establishment, rita, monkeypatch):
    declaration = file_citizen(establishment, rita)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    # Widen the race: each correction waits (up to a second) for the other between reading the
    # last version number and writing the next one; the row lock makes the second wait for the
    # first to commit before it reads, so it reads 2, not 1.
    gate = threading.Barrier(2)
    read_last_number = services.current_version_number

    def slow_read(locked):
        number = read_last_number(locked)
        try:
            gate.wait(timeout=1)
        except threading.BrokenBarrierError:
            pass
        return number

    monkeypatch.setattr(services, "current_version_number", slow_read)

    def correct(room: str) -> None:
        try:
            barrier.wait(timeout=5)
            services.correct_declaration(
                declaration=Declaration.objects.get(pk=declaration.pk),
                corrected_by=rita,
                data={"room": room},
            )
        except BaseException as e:  # noqa: BLE001 - reported by the test below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=correct, args=(room,)) for room in ("201", "202")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert errors == []
    versions = list(DeclarationVersion.objects.filter(declaration=declaration))
    assert [v.number for v in versions] == [1, 2, 3]
    assert {versions[1].data["room"], versions[2].data["room"]} == {"201", "202"}
    # The declaration says what the last version says.
    assert Declaration.objects.get(pk=declaration.pk).room == versions[2].data["room"]


# --- the page -----------------------------------------------------------------------------------


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_receptionist_corrects_a_declaration_from_its_page(client, establishment, rita):
    declaration = file_citizen(establishment, rita)
    f.login(client, rita)

    page = client.get(correct_url(declaration))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Nguyễn Văn An"' in html
    # Stored in UTC, shown in Hà Nội time.
    assert 'value="2026-06-15T09:00"' in html
    assert 'value="2026-06-17T10:00"' in html

    response = client.post(correct_url(declaration), citizen_post(declaration, room=" 305 "))
    assert response.status_code == 302
    assert response["Location"] == reverse("guests:detail", args=[declaration.pk])
    declaration.refresh_from_db()
    assert declaration.room == "305"
    latest = DeclarationVersion.objects.filter(declaration=declaration).last()
    assert (latest.number, latest.created_by, latest.data["room"]) == (2, rita, "305")


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_posting_the_form_unchanged_makes_no_version(client, establishment, rita):
    declaration = file_citizen(establishment, rita)
    f.login(client, rita)
    response = client.post(correct_url(declaration), citizen_post(declaration), follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert DeclarationVersion.objects.filter(declaration=declaration).count() == 1


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_correction_is_checked_like_a_filing_and_keeps_what_was_typed(
    client, establishment, rita
):
    declaration = file_citizen(establishment, rita)
    f.login(client, rita)
    response = client.post(
        correct_url(declaration),
        citizen_post(
            declaration,
            full_name="Nguyễn Văn Bình",
            document_number="12345",
            expected_departure="2026-06-14T12:00",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "exactly 12 digits" in html
    assert "The expected departure must be after the arrival." in html
    assert 'value="Nguyễn Văn Bình"' in html
    assert DeclarationVersion.objects.filter(declaration=declaration).count() == 1


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_guest_s_own_document_is_not_already_staying_but_another_guest_s_is(
    client, establishment, rita
):
    declaration = file_citizen(establishment, rita)
    other = file_citizen(establishment, rita, room="102", number="001090054321")
    f.login(client, rita)

    own = client.post(correct_url(declaration), citizen_post(declaration, room="103"))
    assert own.status_code == 302

    taken = client.post(
        correct_url(declaration),
        citizen_post(declaration, room="103", document_number=other.document_number),
    )
    assert taken.status_code == 400
    assert "already staying here" in taken.content.decode()


@pytest.mark.django_db
def test_the_page_refuses_a_guest_gone_more_than_two_days_ago(client, establishment, rita):
    with time_machine.travel(NOW, tick=False):
        declaration = file_citizen(establishment, rita)
        services.check_out(declarations=[declaration], at=NOW, by=rita)
    f.login(client, rita)
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        response = client.get(correct_url(declaration), follow=True)
    assert "can no longer be corrected" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("guests:detail", args=[declaration.pk])


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_correction_of_a_confirmed_declaration_sends_it_back_for_review(
    client, establishment, rita, omar
):
    declaration = file_citizen(establishment, rita)
    services.confirm_declaration(declaration=declaration, officer=omar)
    f.login(client, rita)
    client.post(correct_url(declaration), citizen_post(declaration, room="110"))
    declaration.refresh_from_db()
    assert declaration.review_status == ReviewStatus.PENDING


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_foreigner_is_corrected_with_the_foreigner_form(client, establishment, rita):
    (declaration,) = services.file_declarations(
        establishment=establishment,
        filed_by=rita,
        kind=DeclarationKind.FOREIGNER,
        guests=[
            {
                "full_name": "Anna Eriksson",
                "sex": "F",
                "birth_date": date(1974, 8, 12),
                "nationality": "SE",
                "document_type": DocumentType.PASSPORT,
                "document_number": "L898902C3",
            }
        ],
        stay={
            "room": "201",
            "arrival": NOW - timedelta(hours=1),
            "expected_departure": NOW + timedelta(days=2),
        },
        submission_key=uuid.uuid4(),
    )
    f.login(client, rita)
    assert "Passport number" in client.get(correct_url(declaration)).content.decode()
    response = client.post(
        correct_url(declaration),
        {
            "full_name": "Anna Maria Eriksson",
            "sex": "F",
            "birth_date": "1974-08-12",
            "nationality": "SE",
            "document_type": "passport",
            "document_number": "l898902c3",
            "document_expiry": "",
            "visa_number": "",
            "visa_expiry": "",
            "entry_port": "",
            "entry_date": "",
            "mrz": "",
            "room": "201",
            "arrival": "2026-06-15T09:00",
            "expected_departure": "2026-06-17T10:00",
            "action": "correct",
        },
    )
    assert response.status_code == 302
    latest = DeclarationVersion.objects.filter(declaration=declaration).last()
    assert latest.number == 2
    assert latest.data["full_name"] == "Anna Maria Eriksson"
    assert latest.data["document_number"] == "L898902C3"


# --- who may correct ----------------------------------------------------------------------------


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_it_checks_ownership(client, establishment, rita, ron, bob, other_establishment):
    theirs = file_citizen(other_establishment, ron)
    f.login(client, rita)
    assert client.get(correct_url(theirs)).status_code == 404
    assert client.post(correct_url(theirs), citizen_post(theirs, room="9")).status_code == 404
    f.login(client, bob)
    assert client.get(correct_url(theirs)).status_code == 403
    assert DeclarationVersion.objects.filter(declaration=theirs).count() == 1


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_owner_cannot_correct(client, establishment, rita, alice):
    declaration = file_citizen(establishment, rita)
    f.login(client, alice)
    assert client.get(correct_url(declaration)).status_code == 403
    response = client.post(correct_url(declaration), citizen_post(declaration, room="9"))
    assert response.status_code == 403
    assert DeclarationVersion.objects.filter(declaration=declaration).count() == 1


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_officer_cannot_use_the_front_desk_s_correct_page(client, establishment, rita, omar):
    declaration = file_citizen(establishment, rita)
    f.login(client, omar)
    assert client.get(correct_url(declaration)).status_code == 403
    response = client.post(correct_url(declaration), citizen_post(declaration, room="9"))
    assert response.status_code == 403
    assert DeclarationVersion.objects.filter(declaration=declaration).count() == 1
