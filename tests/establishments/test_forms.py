from __future__ import annotations

import pytest
from django import forms

from establishments.forms import normalise_business_registration_number, normalise_phone
from luutru.text import fold


@pytest.mark.parametrize(
    "typed",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "+84 912 345 678",
        "+84 0912345678",
        "84912345678",
        "(+84) 912-345-678",
    ],
)
def test_it_normalises_a_vietnamese_mobile_number(typed):
    assert normalise_phone(typed) == "0912345678"


@pytest.mark.parametrize("typed", ["091234567", "09123456789", "0212345678", "+1 912345678", "abc"])
def test_it_refuses_what_is_not_a_vietnamese_mobile_number(typed):
    with pytest.raises(forms.ValidationError):
        normalise_phone(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0101234567", "0101234567"),
        ("0101 234 567", "0101234567"),
        ("0101234567-001", "0101234567-001"),
        ("0101234567001", "0101234567-001"),
        ("0101.234.567 - 001", "0101234567-001"),
    ],
)
def test_it_normalises_a_business_registration_number(typed, stored):
    assert normalise_business_registration_number(typed) == stored


@pytest.mark.parametrize("typed", ["010123456", "01012345670", "010123456-7001", "01012345AB"])
def test_it_refuses_a_business_registration_number_of_the_wrong_shape(typed):
    with pytest.raises(forms.ValidationError):
        normalise_business_registration_number(typed)


def test_it_folds_vietnamese_for_searching_and_sorting():
    assert fold("Phường Đống Đa") == "phuong dong da"
    assert fold("Thành phố Hồ Chí Minh") == "thanh pho ho chi minh"
