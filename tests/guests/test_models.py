"""Declarations in the database: constraints, versions, and the filing and check-out services."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from guests import services
from guests.deadlines import LOCAL_TZ
from guests.models import (
    Declaration,
    DeclarationKind,
    DeclarationVersion,
    DocumentType,
    ReviewStatus,
    document_warnings,
)

ARRIVAL = datetime(2026, 6, 15, 9, 30, tzinfo=LOCAL_TZ)


def guest(number: str = "X1234567", **overrides) -> dict:
    data = {
        "full_name": "Zoë O’Brien-Ngô",
        "sex": "F",
        "birth_date": date(1988, 2, 29),
        "nationality": "IE",
        "document_type": DocumentType.PASSPORT,
        "document_number": number,
    }
    data.update(overrides)
    return data


def stay(**overrides) -> dict:
    data = {"room": "7", "arrival": ARRIVAL, "expected_departure": ARRIVAL + timedelta(days=3)}
    data.update(overrides)
    return data


def file(establishment, by, *guests, key: uuid.UUID | None = None, **stay_overrides):
    return services.file_declarations(
        establishment=establishment,
        filed_by=by,
        kind=DeclarationKind.FOREIGNER,
        guests=list(guests) or [guest()],
        stay=stay(**stay_overrides),
        submission_key=key or uuid.uuid4(),
    )


@pytest.mark.django_db
def test_filing_writes_the_declaration_and_its_version_1(establishment, rita):
    (declaration,) = file(establishment, rita)
    declaration.refresh_from_db()
    assert declaration.full_name == "Zoë O’Brien-Ngô"
    assert declaration.review_status == ReviewStatus.PENDING
    assert declaration.departed_at is None
    version = DeclarationVersion.objects.get(declaration=declaration)
    assert version.number == 1
    assert version.data == {
        "full_name": "Zoë O’Brien-Ngô",
        "sex": "F",
        "birth_date": "1988-02-29",
        "nationality": "IE",
        "document_type": "passport",
        "document_number": "X1234567",
        "document_expiry": None,
        "visa_number": "",
        "visa_expiry": None,
        "entry_port": "",
        "entry_date": None,
        "reason": "",
        "room": "7",
        "arrival": "2026-06-15T09:30:00+07:00",
        "expected_departure": "2026-06-18T09:30:00+07:00",
    }


@pytest.mark.django_db
def test_filing_the_same_key_twice_returns_the_first_filing(establishment, rita):
    key = uuid.uuid4()
    first = file(establishment, rita, guest("A1"), guest("A2"), key=key)
    second = file(establishment, rita, guest("A1"), guest("A2"), key=key)
    assert [d.pk for d in second] == [d.pk for d in first]
    assert Declaration.objects.count() == 2
    assert DeclarationVersion.objects.count() == 2


@pytest.mark.django_db
def test_a_key_that_lost_the_race_returns_the_winners_filing(establishment, rita, monkeypatch):
    key = uuid.uuid4()
    (winner,) = file(establishment, rita, key=key)
    # The second request read "not filed yet" before the first one committed.
    real = services._filed
    calls = []

    def not_yet_the_first_time(*args):
        calls.append(1)
        return [] if len(calls) == 1 else real(*args)

    monkeypatch.setattr(services, "_filed", not_yet_the_first_time)
    (again,) = file(establishment, rita, guest("OTHER1"), key=key)
    assert again.pk == winner.pk
    assert Declaration.objects.count() == 1


@pytest.mark.django_db
def test_a_document_already_staying_fails_the_whole_group(establishment, rita):
    file(establishment, rita, guest("B1"))
    with pytest.raises(services.DocumentAlreadyStaying) as caught:
        file(establishment, rita, guest("B2"), guest("B1"), guest("B3"))
    assert caught.value.indices == [1]
    assert set(Declaration.objects.values_list("document_number", flat=True)) == {"B1"}


@pytest.mark.django_db
def test_the_same_document_may_stay_at_another_establishment(
    establishment, rita, other_establishment, ron
):
    file(establishment, rita, guest("C1"))
    file(other_establishment, ron, guest("C1"))
    assert Declaration.objects.count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_departure_before_the_arrival(establishment, rita):
    with pytest.raises(IntegrityError), transaction.atomic():
        file(establishment, rita, expected_departure=ARRIVAL)


@pytest.mark.django_db
def test_the_database_refuses_two_versions_with_one_number(establishment, rita):
    (declaration,) = file(establishment, rita)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeclarationVersion.objects.create(
            declaration=declaration, number=1, data={}, created_by=rita, created_at=ARRIVAL
        )


@pytest.mark.django_db
def test_check_out_is_compare_and_set(establishment, rita):
    a, b = file(establishment, rita, guest("D1"), guest("D2"))
    assert services.check_out(declarations=[a], at=ARRIVAL + timedelta(hours=5), by=rita) == 1
    assert services.check_out(declarations=[a, b], at=ARRIVAL + timedelta(hours=6), by=rita) == 1
    a.refresh_from_db()
    assert a.departed_at == ARRIVAL + timedelta(hours=5)


@pytest.mark.django_db
def test_a_citizen_declaration_takes_the_citizen_deadline(establishment, rita):
    (declaration,) = services.file_declarations(
        establishment=establishment,
        filed_by=rita,
        kind=DeclarationKind.CITIZEN,
        guests=[guest("001188000001", nationality="VN", document_type=DocumentType.CITIZEN_ID)],
        stay=stay(arrival=datetime(2026, 6, 15, 23, 10, tzinfo=LOCAL_TZ)),
        submission_key=uuid.uuid4(),
    )
    assert declaration.deadline == datetime(2026, 6, 16, 8, 0, tzinfo=LOCAL_TZ)
    assert declaration.is_late(datetime(2026, 6, 16, 8, 0, 1, tzinfo=LOCAL_TZ))
    assert not declaration.is_late(datetime(2026, 6, 16, 8, 0, tzinfo=LOCAL_TZ))


def test_documents_that_run_out_before_the_stay_are_warned_about():
    warnings = document_warnings(
        document_expiry=date(2026, 6, 14),
        visa_expiry=date(2026, 6, 17),
        arrival=ARRIVAL,
        expected_departure=ARRIVAL + timedelta(days=3),
    )
    assert len(warnings) == 2
    assert (
        document_warnings(
            document_expiry=date(2026, 6, 15),
            visa_expiry=date(2026, 6, 18),
            arrival=ARRIVAL,
            expected_departure=ARRIVAL + timedelta(days=3),
        )
        == []
    )
