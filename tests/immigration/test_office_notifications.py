"""Who is told of a transition, in which language, through the wards' outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from immigration.models import State
from immigration.office import services
from immigration.services import transition
from luutru.models import Role
from tests import factories as f
from wards.flags.notifications import enqueue_sending, send_pending
from wards.models import Notification, NotificationChannel

IN_APP, EMAIL = NotificationChannel.IN_APP, NotificationChannel.EMAIL


def rows(**filters) -> list[tuple]:
    return sorted(
        Notification.objects.filter(**filters).values_list(
            "recipient__username", "channel", "flag_id"
        )
    )


@pytest.fixture
def desk(alice, rita):
    alice.email, alice.language = "alice@example.vn", "en"
    alice.save(update_fields=["email", "language"])
    rita.language = "vi"  # no address: told in the portal only
    rita.save(update_fields=["language"])
    return alice, rita


def test_a_decision_tells_the_lodging_s_owner_and_receptionists(
    establishment, desk, ivan, other_establishment, bob
):
    application = f.make_immigration_application(
        establishment=establishment, by=desk[0], state=State.SUBMITTED
    )
    Notification.objects.all().delete()

    services.refuse(application=application, by=ivan, reason="Hộ chiếu hết hạn.")

    assert rows() == [("alice", EMAIL, None), ("alice", IN_APP, None), ("rita", IN_APP, None)]
    english = Notification.objects.get(recipient__username="alice", channel=IN_APP)
    vietnamese = Notification.objects.get(recipient__username="rita")
    assert english.subject == f"Application {application.reference} refused"
    assert "Hộ chiếu hết hạn." in english.body
    assert vietnamese.subject != english.subject and application.reference in vietnamese.subject
    assert english.url == f"/immigration/{application.pk}/"
    assert english.sent_at is not None  # in the portal, written is delivered
    assert Notification.objects.get(channel=EMAIL).sent_at is None


def test_an_acceptance_gives_the_appointment(establishment, desk, ivan):
    application = f.make_immigration_application(
        establishment=establishment, by=desk[0], state=State.SUBMITTED
    )
    when = timezone.now() + timedelta(days=3)

    services.accept(application=application, by=ivan, appointment_at=when)

    body = Notification.objects.get(recipient__username="alice", channel=IN_APP).body
    assert "Bring the passport" in body
    with translation.override("en"):
        assert date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT") in body


@pytest.mark.parametrize(
    ("step", "needle"),
    [
        (State.INFO_REQUESTED, "more information requested"),
        (State.APPROVED, "approved: collect the result"),
    ],
)
def test_every_office_decision_tells_the_sponsor_s_accounts(sponsor, sam, ivan, step, needle):
    sam.email, sam.language = "sam@saomai.example.vn", "en"
    sam.save(update_fields=["email", "language"])
    colleague = f.make_sponsor_account(sponsor=sponsor, language="en")
    state = State.ACCEPTED if step == State.APPROVED else State.SUBMITTED
    application = f.make_immigration_application(sponsor=sponsor, by=sam, state=state)
    Notification.objects.all().delete()

    extra = {"appointment_at": application.submitted_at} if step == State.APPROVED else {}
    transition(application, step, actor=ivan, note="Gửi thêm giấy tờ.", **extra)

    assert rows() == sorted(
        [("sam", EMAIL, None), ("sam", IN_APP, None), (colleague.username, IN_APP, None)]
    )
    assert needle in Notification.objects.filter(recipient=sam).first().subject


def test_a_submission_tells_the_province_s_officers_only(
    establishment, alice, ivan, ward, settings
):
    settings.LANGUAGE_CODE = "vi"
    ivan.email = "ivan@xnc.example.vn"
    ivan.save(update_fields=["email"])
    elsewhere = f.make_immigration_officer(province=f.make_other_province(), username="hue-1")
    retired = f.make_immigration_officer(province=ward.province, username="gone", is_active=False)
    application = f.make_immigration_application(establishment=establishment, by=alice)

    transition(application, State.SUBMITTED, actor=alice)

    assert rows() == [("ivan", EMAIL, None), ("ivan", IN_APP, None)]
    notification = Notification.objects.get(channel=IN_APP)
    assert notification.url == reverse("immigration:office_application", args=[application.pk])
    # No language chosen: the portal's, Vietnamese.
    assert notification.subject == f"Hồ sơ mới {application.reference}"
    assert not Notification.objects.filter(recipient__in=[elsewhere, retired]).exists()


def test_a_resubmission_and_a_withdrawal_tell_the_officers(establishment, alice, rita, ivan):
    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.INFO_REQUESTED
    )
    Notification.objects.all().delete()

    transition(application, State.RESUBMITTED, actor=alice)
    transition(application, State.WITHDRAWN, actor=alice)

    assert [n.recipient.username for n in Notification.objects.all()] == ["ivan", "ivan"]


def test_a_withdrawn_draft_tells_nobody(establishment, alice, ivan):
    application = f.make_immigration_application(establishment=establishment, by=alice)

    transition(application, State.WITHDRAWN, actor=alice)

    assert not Notification.objects.exists()


def test_the_e_mails_are_sent_after_commit_in_the_recipient_s_language(
    establishment, desk, ivan, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    application = f.make_immigration_application(
        establishment=establishment, by=desk[0], state=State.SUBMITTED
    )

    with django_capture_on_commit_callbacks() as callbacks:
        services.request_information(application=application, by=ivan, text="A photo, please.")
    assert enqueue_sending in callbacks

    assert send_pending() == 1
    (message,) = mail.outbox
    assert message.to == ["alice@example.vn"]
    assert message.subject == f"Application {application.reference}: more information requested"
    assert "A photo, please." in message.body
    assert message.body.endswith(f"/immigration/{application.pk}/")


def test_an_account_of_another_role_is_not_told(establishment, alice, ivan):
    # A former receptionist moved to another role keeps the staff row but is no longer told.
    moved = f.make_staff(establishment=establishment, role=Role.RECEPTIONIST)
    moved.role = Role.SPONSOR
    moved.save(update_fields=["role"])
    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.SUBMITTED
    )
    Notification.objects.all().delete()

    services.refuse(application=application, by=ivan, reason="No.")

    assert not Notification.objects.filter(recipient=moved).exists()


def test_the_officer_reads_the_notification_in_the_portal(client, establishment, alice, ivan):
    application = f.make_immigration_application(establishment=establishment, by=alice)
    transition(application, State.SUBMITTED, actor=alice)
    f.login(client, ivan)

    page = client.get(reverse("wards:notifications")).content.decode()

    assert application.reference in page
    assert reverse("immigration:office_application", args=[application.pk]) in page
