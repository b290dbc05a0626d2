"""The outbox sender: e-mails sent once, marked sent, and an SMTP failure counted, not fatal."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from wards.flags import notifications
from wards.flags import sweeps as flagging
from wards.models import Flag, Notification, NotificationChannel


@pytest.fixture
def flagged(establishment, rita, alice, omar):
    alice.email = "alice@example.vn"
    alice.save(update_fields=["email"])
    omar.email = "omar@example.vn"
    omar.save(update_fields=["email"])
    now = timezone.now()
    f.make_declaration(
        establishment=establishment,
        by=rita,
        kind="foreigner",
        arrival=now - timedelta(hours=3),
        expected_departure=now - timedelta(minutes=1),
    )
    assert flagging.sweep_overdue() == 1
    return Flag.objects.get()


def test_the_sender_sends_each_email_once_and_marks_it_sent(flagged, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert notifications.send_pending() == 2
    assert notifications.send_pending() == 0

    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.vn", "omar@example.vn"]
    assert "/wards/flags/" in mail.outbox[0].body
    assert not Notification.objects.filter(
        channel=NotificationChannel.EMAIL, sent_at__isnull=True
    ).exists()


def test_an_smtp_error_is_counted_and_retried_later(flagged, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    def refused(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(notifications, "send_mail", refused)
    assert notifications.send_pending() == 0
    emails = Notification.objects.filter(channel=NotificationChannel.EMAIL)
    assert list(emails.values_list("attempts", flat=True)) == [1, 1]
    assert not emails.filter(sent_at__isnull=False).exists()

    monkeypatch.undo()
    assert notifications.send_pending() == 2
    assert len(mail.outbox) == 2


def test_an_address_that_keeps_failing_is_given_up(flagged, settings, monkeypatch):
    def refused(*args, **kwargs):
        raise OSError("no route to host")

    monkeypatch.setattr(notifications, "send_mail", refused)
    for _ in range(notifications.MAX_ATTEMPTS + 2):
        notifications.send_pending()

    assert set(
        Notification.objects.filter(channel=NotificationChannel.EMAIL).values_list(
            "attempts", flat=True
        )
    ) == {notifications.MAX_ATTEMPTS}


def test_in_app_rows_are_not_emailed(flagged, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notifications.send_pending()

    assert len(mail.outbox) == Notification.objects.filter(channel="email").count()
    assert Notification.objects.filter(channel="in_app").count() == 2  # alice and omar


def test_the_sender_is_enqueued_after_commit_and_a_broker_outage_is_swallowed(
    establishment, rita, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from wards import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(tasks.send_pending_notifications, "apply_async", broker_down)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        declaration = f.make_declaration(
            establishment=establishment,
            by=rita,
            kind="foreigner",
            arrival=now - timedelta(hours=13),
        )

    assert declaration.late
    assert notifications.enqueue_sending in callbacks
    assert "beat will catch up" in caplog.text
    assert Flag.objects.filter(declaration=declaration).exists()


def test_mark_read_touches_only_the_users_own(flagged, alice, omar):
    theirs = Notification.objects.get(recipient=omar, channel="in_app")

    assert notifications.mark_read(user=alice, pk=theirs.pk) == 0
    assert notifications.mark_read(user=alice) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_message_names_the_establishment_and_room_but_not_the_guest(flagged, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notifications.send_pending()

    # Written in the portal's language (Vietnamese) when the flag was raised.
    message = mail.outbox[0]
    assert "Khách sạn Hoàn Kiếm" in message.subject
    assert f"số {flagged.declaration_id} (phòng 101)" in message.body
    assert flagged.declaration.full_name not in message.body
    assert flagged.declaration.document_number not in message.body


@pytest.mark.parametrize(
    ("language", "text"), [("vi", "phòng 101"), ("en", "(room 101) at Khách sạn Hoàn Kiếm")]
)
def test_the_in_app_page_shows_the_message_in_the_readers_language(
    client, flagged, alice, language, text
):
    client.cookies["django_language"] = language
    f.login(client, alice)

    page = client.get(reverse("wards:notifications")).content.decode()

    assert text in page
    assert f"{flagged.declaration_id}" in page


def test_an_email_is_written_in_the_language_its_recipient_chose(flagged, settings, alice, omar):
    """Alice switched the site to English, Omar never chose: each e-mail in its reader's."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    alice.language = "en"
    alice.save(update_fields=["language"])

    notifications.send_pending()

    by_reader = {message.to[0]: message for message in mail.outbox}
    english, vietnamese = by_reader["alice@example.vn"], by_reader["omar@example.vn"]
    assert f"no. {flagged.declaration_id} (room 101) at Khách sạn Hoàn Kiếm" in english.body
    assert f"số {flagged.declaration_id} (phòng 101)" in vietnamese.body
    assert flagged.declaration.full_name not in english.body
