"""The audit's building blocks: filters, sorting, masking, the per-staff summary."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db.models import Q

from guests import documents
from guests.audit import export, forms, queries
from guests.deadlines import LOCAL_TZ, day_start, this_month
from luutru.models import Role
from tests import factories as f
from tests.guests.helpers import declare

pytestmark = pytest.mark.usefixtures("english")

_numbers = iter(range(100000, 999999))


def test_a_document_number_shows_only_its_last_three_characters():
    assert documents.mask("B12345678") == "•••••678"
    assert documents.mask("079123456123") == "•••••123"


@pytest.mark.parametrize("value", ["=cmd|' /C calc'!A0", "+1", "-1", "@x", "\tx", "\rx"])
def test_a_cell_that_starts_like_a_formula_gets_a_quote_first(value):
    assert export.safe_cell(value) == "'" + value


def test_a_plain_cell_is_left_as_it_is():
    assert export.safe_cell("Nguyễn Thị Ánh") == "Nguyễn Thị Ánh"
    assert export.safe_cell(12) == "12"
    assert export.safe_cell(None) == ""


def test_this_month_runs_from_the_first_to_the_last_local_day():
    assert this_month(date(2026, 2, 14)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert this_month(date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))


def test_an_unknown_sort_key_is_refused(establishment):
    form = forms.AuditFilterForm({"sort": "document_number"}, establishment=establishment)
    assert not form.is_valid()
    assert "sort" in form.errors


def test_a_period_that_ends_before_it_starts_is_refused(establishment):
    form = forms.AuditFilterForm(
        {"date_from": "2026-06-10", "date_to": "2026-06-09"}, establishment=establishment
    )
    assert not form.is_valid()
    assert form.errors["date_to"] == ["The end of the period must not be before its start."]


def test_another_establishments_receptionist_is_not_a_valid_staff_choice(establishment, ron):
    form = forms.AuditFilterForm({"staff": str(ron.pk)}, establishment=establishment)
    assert not form.is_valid()
    assert "staff" in form.errors


def test_each_sort_orders_by_its_column_and_breaks_ties_by_id():
    assert queries.ordering("-filed") == ["-filed_at", "-id"]
    assert queries.ordering("staff") == ["filed_by__full_name", "filed_by__username", "id"]


def test_the_summary_counts_filed_late_returned_and_corrected_per_staff_member(
    establishment, alice, rita, omar, other_establishment, ron
):
    tina = f.make_staff(establishment=establishment, role=Role.RECEPTIONIST, username="tina")
    june = datetime(2026, 6, 10, 9, 0, tzinfo=LOCAL_TZ)
    declare(establishment, rita, filed_at=june, late=True, returned_by=omar, versions=2)
    declare(establishment, rita, filed_at=june, late=True, versions=3)
    declare(establishment, rita, filed_at=june)
    declare(establishment, rita, filed_at=june, returned_by=omar)
    # Outside the period, and another establishment's: neither counts.
    declare(establishment, rita, filed_at=datetime(2026, 5, 31, 23, 59, tzinfo=LOCAL_TZ))
    declare(other_establishment, ron, filed_at=june, late=True)

    period = Q(filed_at__gte=day_start(date(2026, 6, 1))) & Q(
        filed_at__lt=day_start(date(2026, 7, 1))
    )
    rows = {row.user: row for row in queries.staff_summary(establishment, period)}

    # The owner filed nothing and cannot file: not listed. tina filed nothing: listed.
    assert set(rows) == {rita, tina}
    assert (rows[rita].filed, rows[rita].late, rows[rita].returned, rows[rita].corrected) == (
        4,
        2,
        2,
        2,
    )
    assert rows[rita].late_percent == 50.0
    assert (rows[tina].filed, rows[tina].late, rows[tina].late_percent) == (0, 0, None)
