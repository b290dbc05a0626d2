"""The application's life: compare-and-set transitions, the timeline, the working-day
deadline; and the two pages the app starts with."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from immigration import workdays
from immigration.models import Application, Event, State
from immigration.services import StaleState, transition
from luutru.models import Province
from tests import factories as f

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def test_working_days_skip_weekends_and_the_lunar_new_year():
    # Tết 2027: 4-10 February are holidays; Friday 29 January + 5 working days.
    assert workdays.add_working_days(date(2027, 1, 29), 5) == date(2027, 2, 12)
    assert workdays.add_working_days(date(2027, 2, 3), 1) == date(2027, 2, 11)
    assert not workdays.is_working_day(date(2026, 9, 2))  # National Day
    assert workdays.working_days_between(date(2027, 2, 3), date(2027, 2, 11)) == 1


def test_a_deadline_ends_at_midnight_after_the_fifth_working_day():
    received = datetime(2026, 12, 4, 15, 0, tzinfo=HANOI)  # a Friday
    due = timezone.localtime(workdays.deadline(received, 5))
    assert due == datetime(2026, 12, 12, 0, 0, tzinfo=HANOI)  # end of Friday 11th


@time_machine.travel(datetime(2026, 12, 4, 8, 0, tzinfo=HANOI))
def test_submission_sets_the_deadline_and_records_the_event(alice, establishment):
    application = f.make_immigration_application(establishment=establishment, by=alice)

    transition(application, State.SUBMITTED, actor=alice)

    stored = Application.objects.get(pk=application.pk)
    assert stored.state == State.SUBMITTED
    assert timezone.localtime(stored.due_at).date() == date(2026, 12, 12)
    event = Event.objects.get(application=application)
    assert (event.from_state, event.to_state, event.actor) == (State.DRAFT, State.SUBMITTED, alice)


def test_two_decisions_on_one_read_let_only_the_first_through(alice, ivan, establishment):
    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.SUBMITTED
    )
    second_tab = Application.objects.get(pk=application.pk)

    transition(application, State.ACCEPTED, actor=ivan)
    with pytest.raises(StaleState):
        transition(second_tab, State.INFO_REQUESTED, actor=ivan, info_request="?")

    assert Application.objects.get(pk=application.pk).state == State.ACCEPTED
    assert list(application.events.values_list("to_state", flat=True)) == [
        State.SUBMITTED,
        State.ACCEPTED,
    ]


def test_a_transition_that_the_state_does_not_allow_is_refused(alice, establishment):
    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.APPROVED
    )
    with pytest.raises(StaleState):
        transition(application, State.WITHDRAWN, actor=alice)


def test_the_queue_lists_the_province_waiting_applications_only(
    client, alice, ivan, establishment, sponsor, sam
):
    waiting = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.SUBMITTED, full_name="Anna Berg"
    )
    f.make_immigration_application(establishment=establishment, by=alice, full_name="Draft Only")
    hue = Province.objects.create(
        code=46, name="Thành phố Huế", division_type="thành phố trung ương", codename="hue"
    )
    elsewhere = f.make_sponsor(province=hue)
    f.make_immigration_application(
        sponsor=elsewhere, by=sam, state=State.SUBMITTED, full_name="Other Province"
    )
    f.login(client, ivan)

    page = client.get(reverse("immigration:queue")).content.decode()

    assert waiting.reference in page and "Anna Berg" in page
    assert "Draft Only" not in page and "Other Province" not in page


def test_an_applicant_sees_its_own_applications_only(client, alice, sam, establishment, sponsor):
    f.make_immigration_application(establishment=establishment, by=alice, full_name="Lodging Guest")
    f.make_immigration_application(sponsor=sponsor, by=sam, full_name="Company Hire")

    f.login(client, sam)
    page = client.get(reverse("immigration:applications")).content.decode()
    assert "Company Hire" in page and "Lodging Guest" not in page

    f.login(client, alice)
    page = client.get(reverse("immigration:applications")).content.decode()
    assert "Lodging Guest" in page and "Company Hire" not in page


def test_a_sponsor_not_yet_approved_cannot_apply(client, ward):
    pending = f.make_sponsor(province=ward.province, status="pending")
    f.login(client, f.make_sponsor_account(sponsor=pending))

    assert client.get(reverse("immigration:applications")).status_code == 403


def test_withdrawing_closes_the_open_request_to_the_ward(alice, establishment):
    from immigration.models import ConfirmationStatus

    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.SUBMITTED
    )
    request = f.make_residence_confirmation(application=application, by=alice)

    transition(application, State.WITHDRAWN, actor=alice)

    request.refresh_from_db()
    assert request.status == ConfirmationStatus.REFUSED
    assert request.decided_at is not None
    assert request.refusal_reason == "Người nộp đã rút hồ sơ."
