"""The owner's audit and per-staff summary pages."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from guests.deadlines import LOCAL_TZ
from guests.models import DeclarationKind, ReviewStatus
from luutru.models import Role
from tests import factories as f
from tests.guests.helpers import declare

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")

AUDIT = reverse("guests:audit")
SUMMARY = reverse("guests:audit_summary")
NOW = datetime(2026, 6, 20, 10, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def owner(client, alice):
    return f.login(client, alice)


def names(response) -> list[str]:
    return [d.full_name for d in response.context["page"].object_list]


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=LOCAL_TZ)


# --- access --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [AUDIT, SUMMARY])
def test_a_receptionist_cannot_open_the_owners_audit(client, rita, url):
    f.login(client, rita)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url", [AUDIT, SUMMARY])
def test_a_ward_officer_cannot_open_an_establishments_audit(client, omar, url):
    f.login(client, omar)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_it_checks_ownership(owner, establishment, rita, other_establishment, ron, bob):
    declare(establishment, rita, name="Khách của Alice")
    declare(other_establishment, ron, name="Khách của Bob")
    response = owner.get(AUDIT)
    assert names(response) == ["Khách của Alice"]
    assert "Khách của Bob" not in response.content.decode()


@pytest.mark.django_db
def test_filtering_by_another_establishments_receptionist_is_a_form_error_not_their_data(
    owner, establishment, rita, other_establishment, ron
):
    declare(other_establishment, ron, name="Khách của Bob")
    response = owner.get(AUDIT, {"staff": ron.pk})
    assert response.status_code == 400
    assert "staff" in response.context["form"].errors
    assert response.context["page"] is None
    assert "Khách của Bob" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", [AUDIT, SUMMARY])
def test_the_audit_pages_are_not_kept_in_any_cache(owner, url):
    response = owner.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


# --- the list ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_owner_sees_every_submission_newest_first_with_a_masked_document(
    owner, establishment, rita
):
    declare(establishment, rita, name="Older", filed_at=at(14))
    declare(
        establishment, rita, name="Nguyễn Thị Ánh", filed_at=at(15), document_number="079123456123"
    )
    response = owner.get(AUDIT)
    assert names(response) == ["Nguyễn Thị Ánh", "Older"]
    page = response.content.decode()
    assert "•••••123" in page
    assert "079123456123" not in page


@pytest.mark.django_db
def test_each_row_links_to_the_declaration_with_its_version_history(owner, establishment, rita):
    declaration = declare(establishment, rita)
    assert reverse("guests:detail", args=[declaration.pk]) in owner.get(AUDIT).content.decode()


@pytest.mark.django_db
def test_each_row_shows_how_many_versions_the_declaration_has(owner, establishment, rita):
    declare(establishment, rita, name="Corrected twice", versions=3)
    declare(establishment, rita, name="As filed")
    response = owner.get(AUDIT)
    counts = {d.full_name: d.version_count for d in response.context["page"].object_list}
    assert counts == {"Corrected twice": 3, "As filed": 1}


@pytest.mark.django_db
def test_filtering_by_staff_member_shows_only_their_filings(owner, establishment, rita):
    tina = f.make_staff(establishment=establishment, role=Role.RECEPTIONIST, username="tina")
    declare(establishment, rita, name="By Rita")
    declare(establishment, tina, name="By Tina")
    assert names(owner.get(AUDIT, {"staff": tina.pk})) == ["By Tina"]


@pytest.mark.django_db
def test_filtering_by_dates_includes_both_local_days_whole(owner, establishment, rita):
    declare(establishment, rita, name="Before", filed_at=at(9, 23, 59))
    declare(establishment, rita, name="First minute", filed_at=at(10, 0, 0))
    declare(establishment, rita, name="Last minute", filed_at=at(11, 23, 59))
    declare(establishment, rita, name="After", filed_at=at(12, 0, 0))
    response = owner.get(AUDIT, {"date_from": "2026-06-10", "date_to": "2026-06-11"})
    assert names(response) == ["Last minute", "First minute"]


@pytest.mark.django_db
def test_a_period_ending_before_it_starts_shows_a_clear_error_and_keeps_the_dates(owner):
    response = owner.get(AUDIT, {"date_from": "2026-06-12", "date_to": "2026-06-10"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The end of the period must not be before its start." in page
    assert 'value="2026-06-12"' in page


@pytest.mark.django_db
def test_filtering_by_kind_status_and_late(owner, establishment, rita):
    declare(establishment, rita, name="Citizen", kind=DeclarationKind.CITIZEN)
    declare(establishment, rita, name="Returned", status=ReviewStatus.RETURNED)
    declare(establishment, rita, name="Late", late=True)
    assert names(owner.get(AUDIT, {"kind": "citizen"})) == ["Citizen"]
    assert names(owner.get(AUDIT, {"status": "returned"})) == ["Returned"]
    assert names(owner.get(AUDIT, {"late": "yes"})) == ["Late"]
    assert sorted(names(owner.get(AUDIT, {"late": "no"}))) == ["Citizen", "Returned"]


@pytest.mark.django_db
def test_the_late_badge_shows_on_a_late_row(owner, establishment, rita):
    declare(establishment, rita, late=True)
    assert '<span class="badge text-bg-danger">Late</span>' in owner.get(AUDIT).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["An", "Bình", "Cường"]),
        ("-name", ["Cường", "Bình", "An"]),
        ("room", ["Cường", "An", "Bình"]),
        ("arrival", ["Bình", "Cường", "An"]),
        ("filed", ["An", "Bình", "Cường"]),
        ("-filed", ["Cường", "Bình", "An"]),
    ],
)
def test_the_list_sorts_by_the_chosen_column(owner, establishment, rita, sort, expected):
    declare(establishment, rita, name="An", room="201", filed_at=at(10), arrival=at(10, 9))
    declare(establishment, rita, name="Bình", room="301", filed_at=at(11), arrival=at(9, 9))
    declare(establishment, rita, name="Cường", room="101", filed_at=at(12), arrival=at(9, 10))
    assert names(owner.get(AUDIT, {"sort": sort})) == expected


@pytest.mark.django_db
def test_sorting_by_staff_member_orders_by_their_names(owner, establishment, rita):
    zed = f.make_staff(establishment=establishment, username="zed", full_name="Zed")
    rita.full_name = "Rita"
    rita.save(update_fields=["full_name"])
    declare(establishment, zed, name="By Zed")
    declare(establishment, rita, name="By Rita")
    assert names(owner.get(AUDIT, {"sort": "staff"})) == ["By Rita", "By Zed"]
    assert names(owner.get(AUDIT, {"sort": "-staff"})) == ["By Zed", "By Rita"]


@pytest.mark.django_db
def test_pages_hold_fifty_rows_and_the_page_links_keep_the_filters(owner, establishment, rita):
    for i in range(55):
        declare(establishment, rita, name=f"Late {i:02d}", late=True, filed_at=at(10, 8, i))
    declare(establishment, rita, name="On time")
    response = owner.get(AUDIT, {"late": "yes", "sort": "name"})
    assert len(names(response)) == 50
    assert response.context["page"].paginator.count == 55
    assert "?late=yes&amp;sort=name&amp;page=2" in response.content.decode()
    second = owner.get(AUDIT, {"late": "yes", "sort": "name", "page": 2})
    assert names(second) == [f"Late {i}" for i in range(50, 55)]


@pytest.mark.django_db
def test_the_list_runs_a_fixed_number_of_queries(
    owner, establishment, rita, django_assert_max_num_queries
):
    declare(establishment, rita, versions=2)
    with django_assert_max_num_queries(7):
        owner.get(AUDIT, {"late": "no"})
    for i in range(60):
        declare(establishment, rita, versions=1 + i % 3)
    with django_assert_max_num_queries(7):
        response = owner.get(AUDIT, {"late": "no"})
    assert len(names(response)) == 50


# --- the summary ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_summary_shows_this_month_by_default(owner, establishment, rita):
    declare(establishment, rita, filed_at=at(2), late=True)
    declare(establishment, rita, filed_at=at(3))
    declare(establishment, rita, filed_at=datetime(2026, 5, 31, 23, 0, tzinfo=LOCAL_TZ))
    response = owner.get(SUMMARY)
    form = response.context["form"]
    assert form.cleaned_data["date_from"].isoformat() == "2026-06-01"
    assert form.cleaned_data["date_to"].isoformat() == "2026-06-30"
    (row,) = response.context["rows"]
    assert (row.user, row.filed, row.late, row.late_percent) == (rita, 2, 1, 50.0)
    assert "50.0 %" in response.content.decode()


@pytest.mark.django_db
def test_the_summary_lists_a_receptionist_who_filed_nothing(owner, establishment, rita, omar):
    tina = f.make_staff(establishment=establishment, username="tina", full_name="Tina Trần")
    declare(establishment, rita, filed_at=at(5), returned_by=omar, versions=2)
    response = owner.get(SUMMARY, {"date_from": "2026-06-01", "date_to": "2026-06-19"})
    rows = {row.user: row for row in response.context["rows"]}
    assert (rows[rita].filed, rows[rita].returned, rows[rita].corrected) == (1, 1, 1)
    assert (rows[tina].filed, rows[tina].late_percent) == (0, None)
    assert "Tina Trần" in response.content.decode()


@pytest.mark.django_db
def test_the_summary_never_counts_another_establishments_filings(
    owner, establishment, rita, other_establishment, ron
):
    declare(other_establishment, ron, filed_at=at(5))
    response = owner.get(SUMMARY)
    assert [row.user for row in response.context["rows"]] == [rita]
    assert response.context["rows"][0].filed == 0
    assert "ron" not in [str(row.user) for row in response.context["rows"]]


@pytest.mark.django_db
def test_the_summary_refuses_a_period_that_ends_before_it_starts(owner):
    response = owner.get(SUMMARY, {"date_from": "2026-06-12", "date_to": "2026-06-10"})
    assert response.status_code == 400
    assert "The end of the period must not be before its start." in response.content.decode()


@pytest.mark.django_db
def test_the_summary_runs_a_fixed_number_of_queries(
    owner, establishment, rita, omar, django_assert_max_num_queries
):
    declare(establishment, rita, filed_at=at(5))
    with django_assert_max_num_queries(6):
        owner.get(SUMMARY)
    for _staff in range(5):
        user = f.make_staff(establishment=establishment)
        for _ in range(3):
            declare(establishment, user, filed_at=at(6), returned_by=omar, versions=2)
    with django_assert_max_num_queries(6):
        response = owner.get(SUMMARY)
    assert len(response.context["rows"]) == 6


@pytest.mark.django_db
def test_the_owners_home_links_to_the_audit_the_summary_and_the_current_guests(owner):
    page = owner.get(reverse("establishments:owner_home")).content.decode()
    for url in (AUDIT, SUMMARY, reverse("guests:desk")):
        assert f'href="{url}"' in page
