"""The visa-expiry warnings: the desk's and owner's list, the ward police's list, and the counts
on the desk, the owner's home and the police's menu."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guests.models import Declaration
from immigration.models import State
from luutru.models import Beat, Officer
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LIST = reverse("immigration:visa_warnings")
WARD_LIST = reverse("immigration:ward_visa_warnings")


def today():
    return timezone.localdate()


def names(response) -> list[str]:
    return [w.declaration.full_name for w in response.context["warnings"]]


def test_it_lists_a_visa_ending_within_seven_days_and_not_eight(client, establishment, rita):
    f.make_foreign_guest(
        establishment=establishment,
        by=rita,
        visa_expiry=today() + timedelta(days=7),
        full_name="SEVEN Days",
    )
    f.make_foreign_guest(
        establishment=establishment,
        by=rita,
        visa_expiry=today() + timedelta(days=8),
        full_name="EIGHT Days",
    )
    response = f.login(client, rita).get(LIST)
    assert names(response) == ["SEVEN Days"]
    assert "ends in 7 days" in response.content.decode()


def test_it_lists_a_visa_ending_before_the_departure_however_far(client, establishment, rita):
    f.make_foreign_guest(
        establishment=establishment,
        by=rita,
        visa_expiry=today() + timedelta(days=20),
        full_name="SHORT Visa",
        days_to_departure=40,
    )
    f.make_foreign_guest(
        establishment=establishment,
        by=rita,
        visa_expiry=today() + timedelta(days=41),
        full_name="LONG Visa",
        days_to_departure=40,
    )
    response = f.login(client, rita).get(LIST)
    assert names(response) == ["SHORT Visa"]
    departure = timezone.localtime(timezone.now()) + timedelta(days=40) - timedelta(hours=1)
    assert f"ends before the departure on {departure:%d/%m/%Y}" in response.content.decode()


def test_it_says_how_long_ago_a_visa_ended(client, establishment, rita):
    f.make_foreign_guest(
        establishment=establishment, by=rita, visa_expiry=today() - timedelta(days=3)
    )
    assert "ended 3 days ago" in f.login(client, rita).get(LIST).content.decode()


def test_it_leaves_out_departed_guests_citizens_and_guests_without_a_visa(
    client, establishment, rita
):
    gone = f.make_foreign_guest(
        establishment=establishment, by=rita, visa_expiry=today(), full_name="GONE Guest"
    )
    Declaration.objects.filter(pk=gone.pk).update(departed_at=timezone.now())
    citizen = f.make_declaration(establishment=establishment, by=rita, full_name="Công Dân")
    Declaration.objects.filter(pk=citizen.pk).update(visa_expiry=today())
    f.make_declaration(establishment=establishment, by=rita, kind="foreigner", full_name="NO Visa")
    assert names(f.login(client, rita).get(LIST)) == []


def test_it_shows_only_the_own_establishment(client, establishment, other_establishment, rita, ron):
    f.make_foreign_guest(
        establishment=other_establishment, by=ron, visa_expiry=today(), full_name="OTHER Guest"
    )
    response = f.login(client, rita).get(LIST)
    assert names(response) == []
    assert "OTHER Guest" not in response.content.decode()


def test_it_links_to_an_extension_or_marks_the_application_under_way(
    client, establishment, rita, alice
):
    waiting = f.make_foreign_guest(
        establishment=establishment, by=rita, visa_expiry=today(), full_name="WAITING Guest"
    )
    covered = f.make_foreign_guest(
        establishment=establishment, by=rita, visa_expiry=today(), full_name="COVERED Guest"
    )
    decided = f.make_foreign_guest(
        establishment=establishment, by=rita, visa_expiry=today(), full_name="DECIDED Guest"
    )
    f.make_immigration_application(
        establishment=establishment, by=alice, state=State.SUBMITTED, declaration=covered
    )
    f.make_immigration_application(
        establishment=establishment, by=alice, state=State.REFUSED, declaration=decided
    )
    body = f.login(client, alice).get(LIST).content.decode()
    new = reverse("immigration:new")
    assert f"{new}?kind=stay_extension&amp;declaration={waiting.pk}" in body
    assert f"declaration={decided.pk}" in body  # a refused one may be asked again
    assert f"declaration={covered.pk}" not in body
    assert body.count('data-testid="visa-warning-covered"') == 1


def test_the_desk_and_the_owners_home_show_the_count(client, establishment, rita, alice):
    f.make_foreign_guest(establishment=establishment, by=rita, visa_expiry=today())
    f.make_foreign_guest(establishment=establishment, by=rita, visa_expiry=today())
    desk = f.login(client, rita).get(reverse("guests:desk")).content.decode()
    assert "2 guests' visas end soon." in desk
    assert LIST in desk
    home = f.login(client, alice).get(reverse("establishments:owner_home")).content.decode()
    assert "2 guests' visas end soon." in home


def test_the_desk_shows_no_alert_when_nothing_ends(client, rita):
    desk = f.login(client, rita).get(reverse("guests:desk")).content.decode()
    assert 'data-testid="visa-warning-alert"' not in desk


def test_the_ward_police_see_their_wards_guests_with_the_establishment(
    client, establishment, other_establishment, rita, ron, omar, cora
):
    f.make_foreign_guest(
        establishment=establishment, by=rita, visa_expiry=today(), full_name="OWN Guest"
    )
    f.make_foreign_guest(
        establishment=other_establishment, by=ron, visa_expiry=today(), full_name="OTHER Guest"
    )
    for officer in (omar, cora):
        response = f.login(client, officer).get(WARD_LIST)
        assert names(response) == ["OWN Guest"]
        body = response.content.decode()
        assert establishment.name in body
        assert "Request an extension" not in body


def test_the_wards_list_runs_a_fixed_number_of_queries(
    client, establishment, rita, alice, omar, django_assert_max_num_queries
):
    for n in range(6):
        guest = f.make_foreign_guest(
            establishment=establishment, by=rita, visa_expiry=today(), room=f"5{n}"
        )
        if n % 2:
            f.make_immigration_application(
                establishment=establishment, by=alice, state=State.SUBMITTED, declaration=guest
            )
    client = f.login(client, omar)
    with django_assert_max_num_queries(12):
        response = client.get(WARD_LIST)
    assert len(response.context["warnings"]) == 6


def test_a_beat_officer_sees_the_whole_ward(client, establishment, rita, omar):
    Officer.objects.filter(user=omar).update(
        beat=Beat.objects.create(ward=establishment.ward, name="Khu vực 9")
    )
    f.make_foreign_guest(
        establishment=establishment, by=rita, visa_expiry=today(), full_name="OWN Guest"
    )
    assert names(f.login(client, omar).get(WARD_LIST)) == ["OWN Guest"]


def test_the_police_menu_shows_the_count(client, establishment, rita, omar, otto):
    f.make_foreign_guest(establishment=establishment, by=rita, visa_expiry=today())
    page = f.login(client, omar).get(reverse("wards:inbox")).content.decode()
    assert 'data-testid="nav-badge-visas">1<' in page
    other = f.login(client, otto).get(reverse("wards:inbox")).content.decode()
    assert 'data-testid="nav-badge-visas"' not in other


@pytest.mark.parametrize("who", ["omar", "ivan", "sam"])
def test_the_desks_list_is_the_desks(client, request, who):
    assert f.login(client, request.getfixturevalue(who)).get(LIST).status_code == 403


@pytest.mark.parametrize("who", ["rita", "alice", "ivan", "sam"])
def test_the_wards_list_is_the_polices(client, request, who):
    assert f.login(client, request.getfixturevalue(who)).get(WARD_LIST).status_code == 403
