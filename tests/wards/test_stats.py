"""The commander's statistics page and its CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from guests.deadlines import LOCAL_TZ
from guests.models import Declaration, ReviewAction, ReviewEvent
from tests import factories as f
from wards.stats import queries as stats

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")

STATS = reverse("wards:stats")
EXPORT = reverse("wards:stats_export")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=LOCAL_TZ)


def arrive(establishment, by, at: datetime, *, kind="citizen", nationality=None, late=False):
    declaration = f.make_declaration(
        establishment=establishment, by=by, kind=kind, arrival=at, nationality=nationality
    )
    Declaration.objects.filter(pk=declaration.pk).update(late=late)
    return declaration


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=LOCAL_TZ)


def period(start: date, end: date) -> stats.Period:
    return stats.Period(start, end)


MARCH = period(date(2026, 3, 1), date(2026, 3, 10))


def test_it_counts_guests_by_kind_on_the_local_day_of_arrival(ward, establishment, rita):
    # 23:30 in Hà Nội is 16:30 UTC: still the 5th locally.
    arrive(establishment, rita, local(5, 23, 30), kind="foreigner")
    arrive(establishment, rita, local(5, 8), kind="citizen")
    arrive(establishment, rita, local(6, 0, 10), kind="citizen", late=True)

    days = {d.day: d for d in stats.guests_per_day(ward, MARCH)}

    assert len(days) == 10
    assert (days[date(2026, 3, 5)].foreigners, days[date(2026, 3, 5)].citizens) == (1, 1)
    assert (days[date(2026, 3, 6)].foreigners, days[date(2026, 3, 6)].citizens) == (0, 1)
    assert days[date(2026, 3, 6)].late_percent == 100.0
    assert days[date(2026, 3, 4)].guests == 0
    assert days[date(2026, 3, 4)].late_percent is None


def test_it_leaves_out_arrivals_outside_the_period(ward, establishment, rita):
    arrive(establishment, rita, local(4, 23, 59))
    arrive(establishment, rita, local(5, 0, 0))
    arrive(establishment, rita, local(6, 23, 59))
    arrive(establishment, rita, local(7, 0, 0))

    days = stats.guests_per_day(ward, period(date(2026, 3, 5), date(2026, 3, 6)))

    assert [d.guests for d in days] == [1, 1]


def test_it_lists_the_top_fifteen_nationalities_then_the_others(ward, establishment, rita):
    codes = ["FR", "DE", "US", "GB", "JP", "KR", "CN", "AU", "CA", "IT", "ES", "NL", "SE", "TH"]
    for n, code in enumerate(codes):
        for _ in range(20 - n):
            arrive(establishment, rita, local(3, 9), kind="foreigner", nationality=code)
    arrive(establishment, rita, local(3, 9), kind="foreigner", nationality="XXA")
    arrive(establishment, rita, local(3, 9), kind="foreigner", nationality="BE")
    arrive(establishment, rita, local(3, 9), kind="foreigner", nationality="BR")

    rows = stats.nationalities(ward, MARCH)

    assert len(rows) == 16
    assert (rows[0].code, rows[0].name, rows[0].guests) == ("FR", "France", 20)
    assert rows[1].name == "Germany"
    # Three codes with one guest each: BE and BR come before XXA, the rest is "others".
    assert [r.code for r in rows[14:]] == ["BE", ""]
    assert rows[15].name == "Other nationalities (2)"
    assert rows[15].guests == 2


def test_it_names_nationalities_in_the_current_language_and_labels_icao_codes(db):
    assert stats.nationality_name("XXA") == "Stateless person (XXA)"
    assert stats.nationality_name("DE") == "Germany"
    with translation.override("vi"):
        assert stats.nationality_name("DE") == "Đức"


def test_it_counts_guests_and_late_filings_per_establishment(ward, establishment, rita):
    second = f.make_establishment(ward=ward, name="Nhà nghỉ Hàng Bạc")
    quiet = f.make_establishment(ward=ward, name="Homestay Phố Cổ")
    desk = f.make_staff(establishment=second)
    arrive(establishment, rita, local(2, 10), kind="foreigner", late=True)
    arrive(establishment, rita, local(2, 11), kind="citizen")
    arrive(establishment, rita, local(3, 11), kind="citizen")
    arrive(establishment, rita, local(3, 12), kind="citizen", late=True)
    arrive(second, desk, local(4, 10), kind="foreigner")

    rows = {e.pk: e for e in stats.per_establishment(ward, MARCH, "-guests")}

    first = rows[establishment.pk]
    assert (first.guests, first.foreigners, first.citizens, first.late) == (4, 1, 3, 2)
    assert first.late_percent == 50.0
    assert (rows[second.pk].guests, rows[second.pk].late_percent) == (1, 0.0)
    assert (rows[quiet.pk].guests, rows[quiet.pk].late_percent) == (0, None)


def test_it_sorts_the_establishments_by_the_chosen_column(ward, establishment, rita):
    second = f.make_establishment(ward=ward, name="A Nhà nghỉ")
    desk = f.make_staff(establishment=second)
    arrive(establishment, rita, local(2, 10))
    arrive(establishment, rita, local(2, 11))
    arrive(second, desk, local(4, 10), late=True)

    by_guests = [e.pk for e in stats.per_establishment(ward, MARCH, "-guests")]
    by_late = [e.pk for e in stats.per_establishment(ward, MARCH, "-late_percent")]
    by_name = [e.pk for e in stats.per_establishment(ward, MARCH, "name")]

    assert by_guests == [establishment.pk, second.pk]
    assert by_late == [second.pk, establishment.pk]
    assert by_name == [second.pk, establishment.pk]
    assert stats.ESTABLISHMENT_SORTING.clean("pk; DROP TABLE") == "-guests"


def test_it_computes_the_median_and_90th_percentile_of_the_first_review_time(
    ward, establishment, rita, omar
):
    filed = local(9, 8)
    for n, hours in enumerate([1, 2, 3, 10]):
        declaration = arrive(establishment, rita, local(9, 7, n))
        Declaration.objects.filter(pk=declaration.pk).update(filed_at=filed)
        # Only the first review counts: a later one is a second look, not the review time.
        for later in (hours, hours + 50):
            ReviewEvent.objects.create(
                declaration=declaration,
                action=ReviewAction.CONFIRMED,
                version_number=1,
                by=omar,
                at=filed + timedelta(hours=later),
            )
    arrive(establishment, rita, local(9, 9))

    review = stats.review_times(ward, MARCH)

    assert (review.reviewed, review.unreviewed) == (4, 1)
    assert review.median_hours == 2.5
    # percentile_cont: 3 + 0.7 × (10 − 3).
    assert review.p90_hours == 7.9


def test_it_shows_no_review_time_without_reviews(ward):
    review = stats.review_times(ward, MARCH)
    assert (review.reviewed, review.median_hours, review.p90_hours) == (0, None, None)


def test_it_shows_the_commanders_ward_only(
    client, cora, establishment, rita, other_establishment, ron
):
    arrive(establishment, rita, local(5, 10), kind="foreigner", nationality="FR")
    arrive(other_establishment, ron, local(5, 10), kind="foreigner", nationality="JP")
    arrive(other_establishment, ron, local(5, 11), kind="citizen")

    response = f.login(client, cora).get(
        STATS, {"date_from": "2026-03-01", "date_to": "2026-03-10"}
    )

    assert response.status_code == 200
    assert response.context["totals"].guests == 1
    assert [n.code for n in response.context["nationalities"]] == ["FR"]
    assert [e.pk for e in response.context["establishments"]] == [establishment.pk]
    assert "Nhà nghỉ Ba Đình" not in response.content.decode()
    assert "Japan" not in response.content.decode()


def test_it_shows_the_charts_with_their_numbers_as_tables(client, cora, establishment, rita):
    arrive(establishment, rita, local(5, 10), kind="foreigner", nationality="FR")

    response = f.login(client, cora).get(STATS)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert html.count("<table") == 3
    assert "Guests per day by kind" in html
    assert ' style="' not in html
    assert "<script>" not in html


def test_it_defaults_to_the_last_thirty_days(client, cora):
    response = f.login(client, cora).get(STATS)

    assert response.context["period"] == stats.Period(date(2026, 2, 9), date(2026, 3, 10))
    assert len(response.context["days"]) == 30


def test_it_refuses_officers(client, omar):
    assert f.login(client, omar).get(STATS).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_it_refuses_the_establishments_staff(client, alice):
    assert f.login(client, alice).get(STATS).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_it_refuses_a_period_that_ends_before_it_starts(client, cora):
    response = f.login(client, cora).get(
        STATS, {"date_from": "2026-03-10", "date_to": "2026-03-01"}
    )

    assert response.status_code == 400
    assert "The end of the period must not be before its start." in response.content.decode()


def test_it_refuses_a_period_longer_than_366_days(client, cora):
    response = f.login(client, cora).get(
        STATS, {"date_from": "2025-01-01", "date_to": "2026-03-01"}
    )

    assert response.status_code == 400
    assert "A period may cover at most 366 days; this one covers 425." in response.content.decode()


def test_it_accepts_a_period_of_exactly_366_days(client, cora):
    response = f.login(client, cora).get(
        STATS, {"date_from": "2025-03-10", "date_to": "2026-03-10"}
    )

    assert response.status_code == 200
    assert len(response.context["days"]) == 366


def test_it_refuses_a_date_that_is_not_a_date(client, cora):
    response = f.login(client, cora).get(STATS, {"date_from": "yesterday", "date_to": "2026-03-01"})

    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert 'value="yesterday"' in response.content.decode()


def test_it_runs_the_same_number_of_queries_for_7_and_90_days(client, cora, establishment, rita):
    for day in range(1, 10):
        arrive(establishment, rita, local(day, 10), kind="foreigner", nationality="FR")
    f.login(client, cora)
    counts = []
    for start in ("2026-03-04", "2025-12-11"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(STATS, {"date_from": start, "date_to": "2026-03-10"})
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[0] <= 10


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_it_exports_the_days_as_csv(client, cora, establishment, rita):
    arrive(establishment, rita, local(5, 23, 30), kind="foreigner", late=True)
    arrive(establishment, rita, local(5, 10), kind="citizen")

    response = f.login(client, cora).get(
        EXPORT, {"date_from": "2026-03-04", "date_to": "2026-03-06", "table": "days"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "statistics-days-20260304-20260306.csv" in response["Content-Disposition"]
    assert read_csv(response) == [
        ["Day", "Foreigners", "Citizens", "Guests", "Late", "Late %"],
        ["2026-03-04", "0", "0", "0", "0", ""],
        ["2026-03-05", "1", "1", "2", "1", "50.0"],
        ["2026-03-06", "0", "0", "0", "0", ""],
    ]


def test_it_exports_the_establishments_as_csv_with_formulas_escaped(
    client, cora, ward, establishment, rita, other_establishment
):
    sneaky = f.make_establishment(ward=ward, name='=HYPERLINK("http://x","Nhà nghỉ")')
    desk = f.make_staff(establishment=sneaky)
    arrive(sneaky, desk, local(5, 10), kind="foreigner")
    arrive(establishment, rita, local(5, 10), kind="citizen", late=True)
    arrive(establishment, rita, local(5, 11), kind="citizen")

    response = f.login(client, cora).get(
        EXPORT, {"date_from": "2026-03-01", "date_to": "2026-03-10", "table": "establishments"}
    )

    rows = read_csv(response)
    assert rows[0] == [
        "Establishment",
        "Code",
        "Guests",
        "Foreigners",
        "Citizens",
        "Late",
        "Late %",
    ]
    assert rows[1] == ["Khách sạn Hoàn Kiếm", establishment.code, "2", "0", "2", "1", "50.0"]
    assert rows[2] == [
        '\'=HYPERLINK("http://x","Nhà nghỉ")',
        sneaky.code,
        "1",
        "1",
        "0",
        "0",
        "0.0",
    ]
    assert len(rows) == 3


def test_it_refuses_an_export_of_a_bad_period_or_table(client, cora):
    f.login(client, cora)
    bad_period = client.get(EXPORT, {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    bad_table = client.get(EXPORT, {"table": "declarations"})

    assert bad_period.status_code == 400
    assert "The end of the period must not be before its start." in bad_period.content.decode()
    assert bad_table.status_code == 400
