"""Writing notices and feedback. Every message writes its in-app notifications (outbox rows)
in the same transaction, so nothing is announced that was not saved, and nothing saved goes
unannounced."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from establishments.models import Establishment
from guests.models import Declaration
from luutru.models import WARD_ROLES, User, Ward
from luutru.text import translatable

from ..models import (
    FeedbackMessage,
    FeedbackStatus,
    FeedbackThread,
    Notice,
    NoticeDelivery,
    Notification,
    NotificationChannel,
)
from ..recipients import establishment_staff, ward_police
from .queries import recipients_of


def _notify(
    users: Iterable[User], *, subject: str | Promise, body: str | Promise, url: str, at: datetime
) -> None:
    """An in-app notification for each of ``users``, written in the language each last chose
    (User.language): ``subject`` and ``body`` may be lazy (luutru.text.translatable)."""
    notifications = []
    for user in users:
        with override(user.language or settings.LANGUAGE_CODE):
            notifications.append(
                Notification(
                    recipient=user,
                    channel=NotificationChannel.IN_APP,
                    subject=str(subject)[:200],
                    body=str(body),
                    url=url,
                    created_at=at,
                )
            )
    Notification.objects.bulk_create(notifications)


@transaction.atomic
def publish_notice(
    *,
    ward: Ward,
    author: User,
    category: str,
    title: str,
    body: str,
    establishments: Iterable[Establishment] | None,
    at: datetime,
) -> Notice:
    """Publish a notice to ``establishments`` (every active one of the ward when None): one
    delivery each, and an in-app notification for each of their owners and receptionists."""
    targets = list(recipients_of(ward) if establishments is None else establishments)
    if any(e.ward_id != ward.pk for e in targets):
        raise ValueError("A notice goes only to establishments of its own ward.")
    notice = Notice.objects.create(
        ward=ward, author=author, category=category, title=title, body=body, published_at=at
    )
    NoticeDelivery.objects.bulk_create(
        NoticeDelivery(notice=notice, establishment=e) for e in targets
    )
    _notify(
        establishment_staff(targets),
        subject=translatable(_("Notice from the ward police: %(title)s"), {"title": title}),
        body=body,
        url=reverse("wards:my_notice", args=[notice.pk]),
        at=at,
    )
    return notice


@transaction.atomic
def mark_notice_read(*, delivery: NoticeDelivery, by: User, at: datetime) -> bool:
    """Record the first reading of a notice at an establishment; later readings change
    nothing. A compare-and-set, so two colleagues opening it at once keep the first."""
    updated = NoticeDelivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(
        read_at=at, read_by=by
    )
    if updated:
        delivery.read_at, delivery.read_by = at, by
    return bool(updated)


@transaction.atomic
def open_feedback_thread(
    *,
    establishment: Establishment,
    by: User,
    category: str,
    subject: str,
    body: str,
    at: datetime,
    declaration: Declaration | None = None,
) -> FeedbackThread:
    if declaration is not None and declaration.establishment_id != establishment.pk:
        raise ValueError("A thread can be about its own establishment's declarations only.")
    thread = FeedbackThread.objects.create(
        establishment=establishment,
        ward=establishment.ward,
        category=category,
        subject=subject,
        declaration=declaration,
        created_by=by,
        created_at=at,
        updated_at=at,
    )
    FeedbackMessage.objects.create(thread=thread, author=by, body=body, created_at=at)
    _notify(
        ward_police(establishment.ward),
        subject=translatable(
            _("New feedback from %(establishment)s: %(subject)s"),
            {"establishment": establishment.name, "subject": subject},
        ),
        body=body,
        url=reverse("wards:feedback_thread", args=[thread.pk]),
        at=at,
    )
    return thread


@transaction.atomic
def post_feedback_message(
    *, thread: FeedbackThread, by: User, body: str, at: datetime
) -> FeedbackMessage:
    """A message in a thread. The police answering marks it answered and tells the
    establishment; the establishment writing (re)opens it and tells the ward."""
    thread = (
        FeedbackThread.objects.select_for_update().select_related("establishment").get(pk=thread.pk)
    )
    message = FeedbackMessage.objects.create(thread=thread, author=by, body=body, created_at=at)
    from_police = by.role in WARD_ROLES
    thread.status = FeedbackStatus.ANSWERED if from_police else FeedbackStatus.OPEN
    thread.updated_at = at
    thread.save(update_fields=["status", "updated_at"])
    if from_police:
        _notify(
            establishment_staff([thread.establishment]),
            subject=translatable(
                _("The ward police answered: %(subject)s"), {"subject": thread.subject}
            ),
            body=body,
            url=reverse("wards:my_feedback_thread", args=[thread.pk]),
            at=at,
        )
    else:
        _notify(
            ward_police(thread.ward),
            subject=translatable(
                _("New message from %(establishment)s: %(subject)s"),
                {"establishment": thread.establishment.name, "subject": thread.subject},
            ),
            body=body,
            url=reverse("wards:feedback_thread", args=[thread.pk]),
            at=at,
        )
    return message


@transaction.atomic
def close_feedback_thread(*, thread: FeedbackThread, by: User, at: datetime) -> bool:
    """Close a thread; returns False if it was already closed."""
    updated = (
        FeedbackThread.objects.filter(pk=thread.pk)
        .exclude(status=FeedbackStatus.CLOSED)
        .update(status=FeedbackStatus.CLOSED, updated_at=at)
    )
    if updated:
        _notify(
            establishment_staff([thread.establishment]),
            subject=translatable(
                _("The ward police closed: %(subject)s"), {"subject": thread.subject}
            ),
            body=_("Reply in the thread to reopen it."),
            url=reverse("wards:my_feedback_thread", args=[thread.pk]),
            at=at,
        )
    return bool(updated)
