"""What the app tells people when an application changes: in-app and by e-mail, through the
wards' notification outbox (rows written in the transition's transaction, sent after commit).

- The office's decisions (information requested, accepted, approved, refused) go to the
  applicant: the lodging's owners and receptionists, or the sponsoring organisation's accounts.
- A submission, a resubmission and a withdrawal go to the province's immigration officers.

Each row is written in its recipient's language (User.language, else the portal's), since the
e-mail sender sends a row without a flag as it was stored. No passport number leaves the portal;
the reference names the application.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from luutru.models import Role, User
from wards import recipients
from wards.flags.notifications import enqueue_sending
from wards.models import Notification, NotificationChannel

from .models import Application, Event, State

# The office's decisions, told to the applicant.
TO_APPLICANT = (State.INFO_REQUESTED, State.ACCEPTED, State.APPROVED, State.REFUSED)
# What reaches the office's desk, told to its officers.
TO_OFFICE = (State.SUBMITTED, State.RESUBMITTED, State.WITHDRAWN)


def applicant_accounts(application: Application) -> QuerySet[User]:
    """The active accounts that speak for the application's sponsor."""
    if application.establishment_id is not None:
        return recipients.establishment_staff([application.establishment])
    return User.objects.filter(
        sponsor_staff__sponsor_id=application.sponsor_id, role=Role.SPONSOR, is_active=True
    )


def office_officers(province_id: int) -> QuerySet[User]:
    """The active immigration officers of the province."""
    return User.objects.filter(
        immigration_officer__province_id=province_id,
        role=Role.IMMIGRATION_OFFICER,
        is_active=True,
    )


def applicant_url(application: Application) -> str:
    return reverse("immigration:detail", args=[application.pk])


def office_url(application: Application) -> str:
    return reverse("immigration:office_application", args=[application.pk])


def _when(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else ""


def message(application: Application, event: Event) -> tuple[str, str]:
    """Subject and body of a transition's notification, in the active language."""
    values = {
        "reference": application.reference,
        "kind": application.get_kind_display(),
        "appointment": _when(event.appointment_at or application.appointment_at),
        "note": event.note,
    }
    state = event.to_state
    if state == State.INFO_REQUESTED:
        subject = _("Application %(reference)s: more information requested")
        body = _(
            "The immigration office asks for more information on application %(reference)s "
            "(%(kind)s):\n\n%(note)s\n\nAdd it and resubmit the application."
        )
    elif state == State.ACCEPTED:
        subject = _("Application %(reference)s accepted: hand in the passport")
        body = _(
            "The immigration office accepted application %(reference)s (%(kind)s). Bring the "
            "passport to the office on %(appointment)s."
        )
    elif state == State.APPROVED:
        subject = _("Application %(reference)s approved: collect the result")
        body = _(
            "The immigration office approved application %(reference)s (%(kind)s). Collect "
            "the result at the office on %(appointment)s."
        )
    elif state == State.REFUSED:
        subject = _("Application %(reference)s refused")
        body = _(
            "The immigration office refused application %(reference)s (%(kind)s). "
            "Reason:\n\n%(note)s"
        )
    elif state == State.SUBMITTED:
        subject = _("New application %(reference)s")
        body = _("Application %(reference)s (%(kind)s) was submitted to the office.")
    elif state == State.RESUBMITTED:
        subject = _("Application %(reference)s resubmitted")
        body = _(
            "Application %(reference)s (%(kind)s) was resubmitted with the information asked "
            "for. The working-day deadline starts again."
        )
    else:
        subject = _("Application %(reference)s withdrawn")
        body = _("The applicant withdrew application %(reference)s (%(kind)s).")
    return subject % values, body % values


def overdue_message(application: Application) -> tuple[str, str]:
    """Subject and body of the deadline sweep's notification, in the active language."""
    values = {
        "reference": application.reference,
        "kind": application.get_kind_display(),
        "due": _when(application.due_at),
    }
    subject = _("Application %(reference)s is past its deadline")
    body = _(
        "Application %(reference)s (%(kind)s) was not decided within the five working days "
        "of Law 47/2014 (due %(due)s)."
    )
    return subject % values, body % values


def write(users: Iterable[User], render, *, url: str, at: datetime) -> int:
    """An in-app row for each user and an e-mail row for each user with an address, each in
    the user's language; ``render()`` gives (subject, body) in the active language. The
    e-mails are handed to a worker after commit. Returns the rows written."""
    rows = []
    for user in users:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, body = render()
        channels = [NotificationChannel.IN_APP] + ([NotificationChannel.EMAIL] * bool(user.email))
        for channel in channels:
            rows.append(
                Notification(
                    recipient=user,
                    channel=channel,
                    flag=None,
                    subject=subject[:200],
                    body=body,
                    url=url,
                    created_at=at,
                    # In the portal, written is delivered (as for the flags).
                    sent_at=at if channel == NotificationChannel.IN_APP else None,
                )
            )
    Notification.objects.bulk_create(rows)
    if any(row.channel == NotificationChannel.EMAIL for row in rows):
        # After commit only: a worker that ran first would find nothing to send, and a broker
        # outage must not undo the transition (enqueue_sending never raises).
        transaction.on_commit(enqueue_sending)
    return len(rows)


def on_transition(application: Application, event: Event) -> None:
    """Called by services.transition, in its transaction, after each change of state."""
    if event.to_state in TO_APPLICANT:
        users = applicant_accounts(application)
        url = applicant_url(application)
    elif event.to_state in TO_OFFICE:
        if event.to_state == State.WITHDRAWN and event.from_state == State.DRAFT:
            return  # a draft withdrawn: the office never saw it
        users = office_officers(application.province_id)
        url = office_url(application)
    else:
        return
    write(users, lambda: message(application, event), url=url, at=event.at)
