"""The warnings are read through the partial indexes on guests.Declaration, not a scan: one
range (a visa ending within days) and one predicate (ending before the departure), joined by
PostgreSQL in a BitmapOr."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from guests.models import Declaration
from immigration.warnings import queries
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def a_busy_year(establishment, rita):
    """A year of one hotel of foreigners: 20,000 stays, all but 400 departed, the staying ones
    with a visa valid for a year but one. Copied in SQL from one filed row, then analysed, so
    the planner weighs real numbers."""
    today = timezone.localdate()
    f.make_foreign_guest(establishment=establishment, by=rita, visa_expiry=today)
    model = f.make_foreign_guest(
        establishment=establishment, by=rita, visa_expiry=today + timedelta(days=365)
    )
    overrides = {
        "submission_key": "gen_random_uuid()",
        "document_hash": "md5(g::text)",
        "departed_at": "CASE WHEN g %% 50 = 0 THEN NULL ELSE expected_departure END",
    }
    columns = [field.column for field in Declaration._meta.concrete_fields if field.column != "id"]
    names = ", ".join(f'"{column}"' for column in columns)
    values = ", ".join(overrides.get(column, f'"{column}"') for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO guests_declaration ({names}) SELECT {values} "
            "FROM guests_declaration, generate_series(1, 20000) AS g WHERE id = %s",
            [model.pk],
        )
        cursor.execute("ANALYZE guests_declaration")


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # The test tables are tiny: a sequential scan would win on cost alone. Turned off,
        # the planner shows which index it can use at all; without a usable one, it would
        # still choose "Seq Scan" (at a cost of 1e10).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_establishments_list_uses_both_indexes(establishment):
    text = plan(queries.of_establishment(establishment, timezone.localdate()))
    assert "declaration_visa_ending" in text, text
    assert "declaration_visa_short" in text, text
    assert "Seq Scan on guests_declaration" not in text, text


def test_the_wards_list_uses_them_too(ward):
    text = plan(queries.of_ward(ward, timezone.localdate()))
    assert "declaration_visa_ending" in text, text
    assert "declaration_visa_short" in text, text
    assert "Seq Scan on guests_declaration" not in text, text


def test_the_count_uses_them(establishment):
    queryset = queries.of_establishment(establishment, timezone.localdate())
    sql, params = queryset.query.chain().get_compiler("default").as_sql()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT count(*) FROM ({sql}) AS rows", params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    assert "declaration_visa_short" in text, text
