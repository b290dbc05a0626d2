"""The check-in forms on their own: what each field accepts, normalises and refuses."""

from __future__ import annotations

from datetime import datetime

import pytest

from guests.deadlines import LOCAL_TZ
from guests.forms import CitizenForm, ForeignerForm, StayForm, check_entry_dates

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)


def citizen_form(establishment, **overrides) -> CitizenForm:
    data = {
        "full_name": "Lê Văn Tám",
        "sex": "M",
        "birth_date": "2004-07-01",
        # 079: Hồ Chí Minh City; 2: a man born 2000-2099; 04: born 2004.
        "document_number": "079204000123",
    }
    data.update(overrides)
    return CitizenForm(data, establishment=establishment)


def foreigner_form(establishment, **overrides) -> ForeignerForm:
    data = {
        "full_name": "Søren Kierkegaard",
        "sex": "M",
        "birth_date": "1980-05-05",
        "nationality": "DK",
        "document_type": "passport",
        "document_number": " ab1234567 ",
    }
    data.update(overrides)
    return ForeignerForm(data, establishment=establishment)


@pytest.mark.django_db
def test_a_well_formed_citizen_number_is_accepted(establishment):
    form = citizen_form(establishment)
    assert form.is_valid(), form.errors
    assert form.guest_data()["document_number"] == "079204000123"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("07920400012", "A personal identification number has exactly 12 digits."),
        ("07920400012A", "A personal identification number has exactly 12 digits."),
        ("000204000123", "The first three digits (000) are not a province code (001 to 096)."),
        ("097204000123", "The first three digits (097) are not a province code (001 to 096)."),
        ("079704000123", "The fourth digit (7) must be 0 to 5: the century of birth and sex."),
    ],
)
def test_a_malformed_citizen_number_is_a_field_error(establishment, number, message):
    form = citizen_form(establishment, document_number=number)
    assert not form.is_valid()
    assert form.errors["document_number"] == [message]


@pytest.mark.django_db
def test_the_citizen_number_must_match_the_year_of_birth(establishment):
    form = citizen_form(establishment, birth_date="2005-07-01")
    assert not form.is_valid()
    assert form.errors["document_number"] == [
        "This number is of someone born in 2004, not 2005: check the number and the date of birth."
    ]


@pytest.mark.django_db
def test_the_citizen_number_must_match_the_century_of_birth(establishment):
    # Digit 4 = 0: born 1900-1999, but the date of birth says 2004.
    form = citizen_form(establishment, document_number="079004000123")
    assert not form.is_valid()
    assert "born in 1904, not 2004" in form.errors["document_number"][0]


@pytest.mark.django_db
def test_the_citizen_number_must_match_the_sex(establishment):
    form = citizen_form(establishment, sex="F")
    assert not form.is_valid()
    assert form.errors["document_number"] == [
        "This number is of a male guest: check the number and the sex."
    ]


@pytest.mark.django_db
def test_a_passport_number_is_upper_cased_and_trimmed(establishment):
    form = foreigner_form(establishment)
    assert form.is_valid(), form.errors
    assert form.guest_data()["document_number"] == "AB1234567"
    assert form.guest_data()["full_name"] == "Søren Kierkegaard"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("AB12345678", "A passport number has at most 9 letters and digits."),
        ("AB 123", "A document number has only letters A-Z and digits."),
        ("AB-123", "A document number has only letters A-Z and digits."),
    ],
)
def test_a_malformed_passport_number_is_a_field_error(establishment, number, message):
    form = foreigner_form(establishment, document_number=number)
    assert not form.is_valid()
    assert form.errors["document_number"] == [message]


@pytest.mark.django_db
def test_another_travel_document_may_be_longer_than_nine(establishment):
    form = foreigner_form(establishment, document_type="other", document_number="UN1234567890")
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_a_stateless_nationality_is_a_choice(establishment):
    form = foreigner_form(establishment, nationality="XXA")
    assert form.is_valid(), form.errors
    assert form.guest_data()["nationality"] == "XXA"


@pytest.mark.django_db
def test_viet_nam_is_not_a_foreigners_nationality(establishment):
    form = foreigner_form(establishment, nationality="VN")
    assert not form.is_valid()
    assert "nationality" in form.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("birth_date", "message"),
    [
        ("2026-06-16", "The date of birth cannot be in the future."),
        ("1900-01-01", "Check the date of birth: the guest would be over 120 years old."),
    ],
)
def test_an_impossible_date_of_birth_is_refused(establishment, birth_date, message):
    form = foreigner_form(establishment, birth_date=birth_date)
    assert not form.is_valid()
    assert form.errors["birth_date"] == [message]


def test_the_stay_defaults_to_arriving_now_local_time():
    form = StayForm()
    assert 'value="2026-06-15T10:00"' in str(form["arrival"])
    assert form["submission_key"].value()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["O'Brien", "Nguyễn Thị Ánh", "Jean-Luc", "Müller", "D. Smith", "Đặng Văn Đức"]
)
def test_a_real_name_is_accepted(establishment, name):
    form = foreigner_form(establishment, full_name=name)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["full_name"] == name


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["@SUM(A1:A9)", "=1+1", "-Anna", "'Anna", "Anna 2", "A<b>"])
def test_what_cannot_be_a_name_is_refused(establishment, name):
    form = citizen_form(establishment, full_name=name)
    assert not form.is_valid()
    assert form.errors["full_name"] == [
        "A name has only letters, spaces, apostrophes, hyphens and dots, and starts with a letter."
    ]


def stay_form(**overrides) -> StayForm:
    data = {
        "room": "101",
        "arrival": "2026-06-15T09:00",
        "expected_departure": "2026-06-16T12:00",
        "submission_key": "5b1f3c5e-8d0a-4d8e-9a53-7c2f1e6b9d41",
    }
    data.update(overrides)
    return StayForm(data)


@pytest.mark.parametrize("room", ["101", "A-12", "B.2", "12/3", "Phòng 5"])
def test_a_real_room_is_accepted(room):
    form = stay_form(room=room)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("room", ["=1+1", "@SUM(A1)", "-5", "/1", "1;2"])
def test_what_cannot_be_a_room_is_refused(room):
    form = stay_form(room=room)
    assert not form.is_valid()
    assert "A room has only letters" in form.errors["room"][0]


@pytest.mark.django_db
def test_an_entry_date_after_the_arrival_is_refused_on_the_entry_date(establishment):
    stay = stay_form()
    late = foreigner_form(establishment, entry_date="2026-06-16")
    same_day = foreigner_form(establishment, entry_date="2026-06-15")
    assert stay.is_valid() and late.is_valid() and same_day.is_valid()

    assert check_entry_dates([same_day], stay)
    assert not check_entry_dates([late], stay)
    assert late.errors["entry_date"] == [
        "The date of entry cannot be after the arrival (15/06/2026)."
    ]
