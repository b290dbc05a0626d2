"""An application as the office sees it, and its four decisions: each a POST calling
services.transition, compare-and-set, so that of two officers deciding at once one wins."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from immigration import workdays
from immigration.models import (
    Application,
    Attachment,
    AttachmentKind,
    ConfirmationStatus,
    Event,
    ResidenceConfirmation,
    State,
)
from immigration.office import services
from immigration.services import StaleState
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english")

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def next_working_day_at_nine() -> str:
    day = workdays.add_working_days(timezone.localdate(), 2)
    return datetime.combine(day, datetime.min.time()).replace(hour=9).strftime("%Y-%m-%dT%H:%M")


def next_saturday_at_nine() -> str:
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() != 5:
        day += timedelta(days=1)
    return f"{day:%Y-%m-%d}T09:00"


@pytest.fixture
def submitted(establishment, alice) -> Application:
    return f.make_immigration_application(
        establishment=establishment, by=alice, state=State.SUBMITTED, full_name="Anna Berg"
    )


def url(name: str, application: Application) -> str:
    return reverse(f"immigration:{name}", args=[application.pk])


def reread(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


# --- the page -----------------------------------------------------------------------------------


def test_it_shows_the_dossier_files_residence_and_timeline(client, ivan, alice, rita, submitted):
    Attachment.objects.create(
        application=submitted,
        kind=AttachmentKind.PASSPORT_PAGE,
        name="passport.jpg",
        content_type="image/jpeg",
        size=204800,
        sha256="0" * 64,
        content=b"jpeg bytes",
        uploaded_by=alice,
        uploaded_at=timezone.now(),
    )
    ResidenceConfirmation.objects.create(
        application=submitted,
        ward=submitted.ward or submitted.establishment.ward,
        status=ConfirmationStatus.REQUESTED,
        requested_by=alice,
        requested_at=timezone.now(),
    )
    f.login(client, ivan)

    response = client.get(url("office_application", submitted))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Anna Berg" in page and submitted.reference in page and "GBR" in page
    assert "passport.jpg" in page and "200.0\xa0KB" in page
    assert "Confirmation of residence" in page and "Requested" in page
    assert "Timeline" in page and "Submitted" in page
    # What the state allows, and nothing else.
    for action in ("office_accept", "office_request_info", "office_refuse"):
        assert url(action, submitted) in page
    assert url("office_approve", submitted) not in page


def test_an_accepted_application_offers_approval_and_refusal_only(
    client, ivan, alice, establishment
):
    accepted = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.ACCEPTED
    )
    f.login(client, ivan)

    page = client.get(url("office_application", accepted)).content.decode()

    assert url("office_approve", accepted) in page and url("office_refuse", accepted) in page
    assert url("office_accept", accepted) not in page
    assert url("office_request_info", accepted) not in page


def test_it_checks_ownership(client, ivan, alice, establishment, sponsor, sam):
    draft = f.make_immigration_application(establishment=establishment, by=alice)
    hue = f.make_sponsor(province=f.make_other_province())
    elsewhere = f.make_immigration_application(
        sponsor=hue, by=f.make_sponsor_account(sponsor=hue), state=State.SUBMITTED
    )
    f.login(client, ivan)

    for application in (draft, elsewhere):
        assert client.get(url("office_application", application)).status_code == 404
        response = client.post(
            url("office_refuse", application),
            {"refuse_form-seen_state": application.state, "refuse_form-reason": "No."},
        )
        assert response.status_code == 404
        assert reread(application).state == application.state


def test_the_wrong_role_is_turned_away(client, alice, rita, omar, sam, submitted):
    for user in (alice, rita, omar, sam):
        f.login(client, user)
        assert client.get(url("office_application", submitted)).status_code == 403
        response = client.post(
            url("office_refuse", submitted),
            {"refuse_form-seen_state": "submitted", "refuse_form-reason": "No."},
        )
        assert response.status_code == 403
    assert reread(submitted).state == State.SUBMITTED


# --- the decisions ------------------------------------------------------------------------------


def test_it_requests_more_information(client, ivan, submitted):
    f.login(client, ivan)

    response = client.post(
        url("office_request_info", submitted),
        {"info_form-seen_state": "submitted", "info_form-text": "  A clearer passport scan.  "},
        follow=True,
    )

    application = reread(submitted)
    assert application.state == State.INFO_REQUESTED
    assert application.info_request == "A clearer passport scan."
    event = application.events.last()
    assert (event.to_state, event.note, event.actor) == (
        State.INFO_REQUESTED,
        "A clearer passport scan.",
        ivan,
    )
    assert "More information was requested" in response.content.decode()


def test_an_information_request_needs_its_text(client, ivan, submitted):
    f.login(client, ivan)

    response = client.post(
        url("office_request_info", submitted),
        {"info_form-seen_state": "submitted", "info_form-text": "   "},
    )

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert reread(submitted).state == State.SUBMITTED


def test_it_accepts_with_an_appointment_on_a_working_day(client, ivan, submitted):
    f.login(client, ivan)
    when = next_working_day_at_nine()

    response = client.post(
        url("office_accept", submitted),
        {"accept_form-seen_state": "submitted", "accept_form-appointment_at": when},
    )

    assert response.status_code == 302
    application = reread(submitted)
    assert application.state == State.ACCEPTED
    assert timezone.localtime(application.appointment_at).strftime("%Y-%m-%dT%H:%M") == when
    assert application.events.last().appointment_at == application.appointment_at


@pytest.mark.parametrize(
    ("when", "error"),
    [
        ("", "This field is required."),
        ("2020-01-06T09:00", "The appointment must be in the future."),
        ("saturday", "The office is closed that day"),
        ("not a date", "Enter a valid date/time."),
    ],
)
def test_an_appointment_must_be_a_future_working_day(client, ivan, submitted, when, error):
    if when == "saturday":
        when = next_saturday_at_nine()
    f.login(client, ivan)

    response = client.post(
        url("office_accept", submitted),
        {"accept_form-seen_state": "submitted", "accept_form-appointment_at": when},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert error in page
    if when and when != "not a date":
        assert f'value="{when}"' in page  # what the officer typed is kept
    assert reread(submitted).state == State.SUBMITTED


def test_a_public_holiday_is_no_day_for_an_appointment(ivan, submitted):
    from immigration.office.forms import AppointmentForm

    form = AppointmentForm(
        {"seen_state": "submitted", "appointment_at": "2027-09-02T09:00"}  # National Day (Thu)
    )

    assert not form.is_valid()
    assert "The office is closed that day" in str(form.errors)


def test_it_approves_with_an_appointment_to_collect(client, ivan, alice, establishment):
    accepted = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.ACCEPTED
    )
    f.login(client, ivan)

    client.post(
        url("office_approve", accepted),
        {
            "approve_form-seen_state": "accepted",
            "approve_form-appointment_at": next_working_day_at_nine(),
        },
    )

    application = reread(accepted)
    assert application.state == State.APPROVED and application.decided_at is not None
    assert application.appointment_at > timezone.now()


def test_it_refuses_with_a_reason(client, ivan, submitted):
    f.login(client, ivan)

    client.post(
        url("office_refuse", submitted),
        {"refuse_form-seen_state": "submitted", "refuse_form-reason": "The passport expired."},
    )

    application = reread(submitted)
    assert application.state == State.REFUSED
    assert application.refusal_reason == "The passport expired."
    assert application.events.last().note == "The passport expired."


def test_a_refusal_needs_a_reason(client, ivan, submitted):
    f.login(client, ivan)

    response = client.post(
        url("office_refuse", submitted),
        {"refuse_form-seen_state": "submitted", "refuse_form-reason": ""},
    )

    assert response.status_code == 400
    assert "Give the reason for the refusal." in response.content.decode()
    assert reread(submitted).state == State.SUBMITTED


def test_a_decision_the_state_does_not_allow_is_refused(client, ivan, submitted):
    f.login(client, ivan)

    response = client.post(
        url("office_approve", submitted),
        {
            "approve_form-seen_state": "submitted",
            "approve_form-appointment_at": next_working_day_at_nine(),
        },
        follow=True,
    )

    assert reread(submitted).state == State.SUBMITTED
    assert "Another officer decided first" in response.content.decode()


# --- two officers at once -----------------------------------------------------------------------


def test_the_second_of_two_officers_is_told_another_decided_first(client, ivan, submitted, ward):
    colleague = f.make_immigration_officer(province=ward.province, username="vera")
    other = f.login(type(client)(), colleague)
    f.login(client, ivan)
    # Both opened the page while it was submitted.
    first = client.post(
        url("office_accept", submitted),
        {
            "accept_form-seen_state": "submitted",
            "accept_form-appointment_at": next_working_day_at_nine(),
        },
    )
    second = other.post(
        url("office_refuse", submitted),
        {"refuse_form-seen_state": "submitted", "refuse_form-reason": "Incomplete."},
        follow=True,
    )

    assert first.status_code == 302
    page = second.content.decode()
    assert "Another officer decided first" in page
    assert "Accepted: hand in the passport" in page  # the page shows the current state
    application = reread(submitted)
    assert application.state == State.ACCEPTED and application.refusal_reason == ""
    assert Event.objects.filter(application=application, to_state=State.REFUSED).count() == 0


def test_a_page_left_open_through_another_round_does_not_decide(client, ivan, alice, submitted):
    f.login(client, ivan)
    services.request_information(application=submitted, by=ivan, text="More.")
    from immigration.services import transition

    transition(reread(submitted), State.RESUBMITTED, actor=alice)

    response = client.post(
        url("office_refuse", submitted),
        {"refuse_form-seen_state": "submitted", "refuse_form-reason": "Stale page."},
        follow=True,
    )

    assert reread(submitted).state == State.RESUBMITTED
    assert "Another officer decided first" in response.content.decode()


def test_two_stale_copies_only_one_transition_wins(ivan, submitted, ward):
    colleague = f.make_immigration_officer(province=ward.province)
    mine, theirs = reread(submitted), reread(submitted)

    services.refuse(application=mine, by=ivan, reason="First.")
    with pytest.raises(StaleState):
        services.request_information(application=theirs, by=colleague, text="Second.")

    assert reread(submitted).state == State.REFUSED


@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_in_parallel_only_one_wins(establishment, alice, ivan):
    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.SUBMITTED
    )
    colleague = f.make_immigration_officer(province=establishment.ward.province)
    copies = [reread(application), reread(application)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(copy: Application, by, act) -> None:
        barrier.wait()
        try:
            act(copy, by)
            outcomes.append("won")
        except StaleState:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=decide,
            args=(copies[0], ivan, lambda a, u: services.refuse(application=a, by=u, reason="X")),
        ),
        threading.Thread(
            target=decide,
            args=(
                copies[1],
                colleague,
                lambda a, u: services.request_information(application=a, by=u, text="Y"),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["stale", "won"]
    assert Event.objects.filter(application=application).exclude(to_state="submitted").count() == 1
