"""The office's statistics on a known set, and their CSV export."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from immigration.models import Application, Kind, State
from immigration.office import stats
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english")

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


def at(day: int, hour: int = 9, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=HANOI)


def placed(application: Application, **fields) -> Application:
    Application.objects.filter(pk=application.pk).update(**fields)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def known_set(establishment, alice, sponsor, sam):
    """Submitted Monday 2 November 2026 (due the midnight after Monday 9 November):
    decided after 2, 5 and 10 working days (the last one late), one waiting and flagged, one
    waiting in time; one submitted in October and one of another province, both left out."""
    due = at(10, 0)

    def make(state, nationality="GBR", kind=Kind.STAY_EXTENSION, by_sponsor=False, **fields):
        owner = (
            {"sponsor": sponsor, "by": sam}
            if by_sponsor
            else {
                "establishment": establishment,
                "by": alice,
            }
        )
        application = f.make_immigration_application(
            state=state, kind=kind, nationality=nationality, **owner
        )
        return placed(application, **{"submitted_at": at(2), "due_at": due, **fields})

    make(State.APPROVED, decided_at=at(4, 15))
    make(State.REFUSED, "FRA", Kind.VISA, decided_at=at(9, 16))
    make(State.APPROVED, "FRA", Kind.RESIDENCE_CARD, by_sponsor=True, decided_at=at(16, 10))
    make(State.SUBMITTED, "DEU", overdue_at=at(10, 0))
    make(State.ACCEPTED, "=A1", due_at=at(30, 23))
    october = make(State.SUBMITTED, "USA")
    placed(october, submitted_at=at(31, 9, month=10))
    hue = f.make_sponsor(province=f.make_other_province())
    f.make_immigration_application(
        sponsor=hue, by=f.make_sponsor_account(sponsor=hue), state=State.SUBMITTED
    )


def test_it_counts_by_kind_and_state(client, ivan, known_set):
    f.login(client, ivan)

    response = client.get(reverse("immigration:office_stats"), NOVEMBER)

    assert response.status_code == 200
    kinds = {row.kind: row for row in response.context["kinds"]}
    states = [s.value for s in response.context["states"]]
    assert response.context["total"] == 5
    extension = kinds[Kind.STAY_EXTENSION]
    assert extension.total == 3
    assert extension.counts[states.index("approved")] == 1
    assert extension.counts[states.index("submitted")] == 1
    assert extension.counts[states.index("accepted")] == 1
    assert kinds[Kind.VISA].counts[states.index("refused")] == 1
    assert kinds[Kind.RESIDENCE_CARD].counts[states.index("approved")] == 1
    page = response.content.decode()
    assert "<svg" in page and 'role="img"' in page


def test_it_measures_decision_times_in_working_days_and_the_misses(client, ivan, known_set):
    f.login(client, ivan)

    timeliness = client.get(reverse("immigration:office_stats"), NOVEMBER).context["timeliness"]

    assert timeliness.decided == 3
    assert (timeliness.median_days, timeliness.p90_days) == (5, 10)
    assert timeliness.missed == 2  # decided after the deadline, and flagged while waiting
    assert timeliness.flagged_waiting == 1


def test_it_lists_the_top_ten_nationalities_then_the_others(establishment, alice):
    codes = ["GBR"] * 3 + ["FRA"] * 2 + [f"X{n:02d}" for n in range(11)]
    for code in codes:
        application = f.make_immigration_application(
            establishment=establishment, by=alice, state=State.SUBMITTED, nationality=code
        )
        placed(application, submitted_at=at(3))

    rows = stats.by_nationality(
        stats.submitted_in(establishment.ward.province, at(1).date(), at(30).date())
    )

    assert [(r.code, r.applications) for r in rows[:2]] == [("GBR", 3), ("FRA", 2)]
    assert len(rows) == 11
    assert rows[-1].code == "" and rows[-1].applications == 3
    assert "Other nationalities (3)" in rows[-1].name


def test_the_percentiles_of_a_known_list():
    assert stats.percentile([], 0.5) is None
    assert stats.percentile([4, 1, 3, 2], 0.5) == 2.5
    assert stats.percentile(list(range(1, 11)), 0.9) == 9


def test_an_empty_period_shows_no_figures(client, ivan, known_set):
    f.login(client, ivan)

    response = client.get(
        reverse("immigration:office_stats"), {"date_from": "2025-01-01", "date_to": "2025-01-31"}
    )

    assert response.context["total"] == 0
    assert response.context["timeliness"].median_days is None
    assert "No application was submitted in this period." in response.content.decode()


def test_a_bad_period_is_a_field_error(client, ivan):
    f.login(client, ivan)

    response = client.get(
        reverse("immigration:office_stats"), {"date_from": "2026-11-30", "date_to": "2026-11-01"}
    )

    assert response.status_code == 400
    assert "The end of the period must not be before its start." in response.content.decode()


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_export_gives_the_tables_with_a_bom(client, ivan, known_set):
    f.login(client, ivan)
    url = reverse("immigration:office_stats_export")

    kinds = read_csv(client.get(url, {**NOVEMBER, "table": "kinds"}))
    nationalities = read_csv(client.get(url, {**NOVEMBER, "table": "nationalities"}))

    assert kinds[0][0] == "Kind" and kinds[0][-1] == "Total"
    assert sum(int(row[-1]) for row in kinds[1:]) == 5
    assert nationalities[1][1:] == ["FRA", "2"]


def test_the_export_escapes_cells_that_read_as_formulas(client, ivan, known_set):
    Application.objects.filter(nationality="=A1").update(full_name='=HYPERLINK("x")')
    f.login(client, ivan)
    url = reverse("immigration:office_stats_export")

    rows = read_csv(client.get(url, {**NOVEMBER, "table": "applications"}))
    nationalities = read_csv(client.get(url, {**NOVEMBER, "table": "nationalities"}))

    assert len(rows) == 6
    (risky,) = [row for row in rows if "HYPERLINK" in row[1]]
    assert risky[1] == '\'=HYPERLINK("x")' and risky[2] == "'=A1"
    assert any(row[1] == "'=A1" for row in nationalities)
    late = {row[0]: row for row in rows[1:]}
    assert sorted(row[-1] for row in late.values()) == ["no", "no", "no", "yes", "yes"]


def test_the_export_refuses_an_unknown_table_or_a_bad_period(client, ivan):
    f.login(client, ivan)
    url = reverse("immigration:office_stats_export")

    assert client.get(url, {**NOVEMBER, "table": "secrets"}).status_code == 400
    assert client.get(url, {"date_from": "x", "date_to": "2026-11-01"}).status_code == 400


def test_the_wrong_role_is_turned_away(client, alice, cora, sam):
    for user in (alice, cora, sam):
        f.login(client, user)
        assert client.get(reverse("immigration:office_stats")).status_code == 403
        assert client.get(reverse("immigration:office_stats_export")).status_code == 403


def test_another_province_s_applications_are_not_counted(client, known_set, ward):
    hue_officer = f.make_immigration_officer(province=f.make_other_province())
    f.login(client, hue_officer)

    response = client.get(reverse("immigration:office_stats"))

    assert response.context["total"] == 1  # its own, submitted today
