"""The columns the sweeps read: set when a declaration is filed, moved as it is reviewed,
corrected and checked out, so that each sweep reads only the rows whose time has come."""

from __future__ import annotations

from datetime import timedelta

import pytest

from guests import services
from guests.models import Declaration
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_filing_sets_the_name_key_and_the_times_to_look_again(establishment, rita):
    d = f.make_declaration(establishment=establishment, by=rita, full_name="Đặng Thị Ánh")
    assert d.name_key == "dang thi anh"
    assert d.overdue_check_at == d.expected_departure
    assert d.review_due_at == d.filed_at + timedelta(hours=24)
    assert d.correction_due_at is None


def test_check_out_ends_the_overdue_watch(establishment, rita):
    d = f.make_declaration(establishment=establishment, by=rita)
    services.check_out(declarations=[d], at=d.arrival + timedelta(hours=3), by=rita)
    d.refresh_from_db()
    assert d.overdue_check_at is None


def test_a_return_ends_the_review_watch_and_starts_the_correction_watch(establishment, rita, omar):
    d = f.make_declaration(establishment=establishment, by=rita)
    event = services.return_declaration(declaration=d, officer=omar, reason="Sai số hộ chiếu")
    d.refresh_from_db()
    assert d.review_due_at is None
    assert d.correction_due_at == event.at + timedelta(hours=24)


def test_a_correction_goes_back_to_the_police_within_their_window(establishment, rita, omar):
    d = f.make_declaration(establishment=establishment, by=rita, full_name="Nguyen Van A")
    services.return_declaration(declaration=d, officer=omar, reason="Sai tên")
    services.correct_declaration(declaration=d, corrected_by=rita, data={"full_name": "Lê Văn B"})
    d = Declaration.objects.get(pk=d.pk)
    assert d.name_key == "le van b"
    assert d.correction_due_at is None
    assert d.review_due_at is not None and d.review_due_at > d.filed_at


def test_a_confirmation_ends_every_watch_but_the_departure(establishment, rita, omar):
    d = f.make_declaration(establishment=establishment, by=rita)
    services.confirm_declaration(declaration=d, officer=omar)
    d.refresh_from_db()
    assert d.review_due_at is None and d.correction_due_at is None
    assert d.overdue_check_at == d.expected_departure


def test_the_ward_sets_the_review_window(establishment, rita, ward):
    ward.review_window_hours = 6
    ward.save(update_fields=["review_window_hours"])
    d = f.make_declaration(establishment=establishment, by=rita)
    assert d.review_due_at == d.filed_at + timedelta(hours=6)
