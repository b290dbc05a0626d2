"""The writes of an application's life: every change of state goes through ``transition``,
compare-and-set on the state it leaves, so two officers (or an officer and the applicant) cannot
both decide; each transition is an Event of the timeline."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from luutru.models import User

from . import notifications, workdays
from .models import (
    TRANSITIONS,
    WORKING_DAYS,
    Application,
    ConfirmationStatus,
    Event,
    ResidenceConfirmation,
    State,
)


class StaleState(Exception):
    """The application is no longer in the state the action was shown for: someone else (or
    another tab) changed it first."""


def new_reference(province_code: int) -> str:
    """The reference printed on every page and e-mail: province, year, random part."""
    year = timezone.localdate().year
    return f"XNC{province_code:02d}-{year}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def transition(
    application: Application,
    to_state: str,
    *,
    actor: User | None,
    note: str = "",
    appointment_at: datetime | None = None,
    at: datetime | None = None,
    **fields,
) -> Application:
    """Move ``application`` from the state it was read in to ``to_state``; raise StaleState if
    it has changed since. ``fields`` are written with the state (e.g. the refusal reason).
    ``at`` is now, unless the demo replays the past."""
    from_state = application.state
    if to_state not in TRANSITIONS.get(from_state, ()):
        raise StaleState(f"{from_state} -> {to_state}")
    now = at or timezone.now()
    changes = {"state": to_state, "updated_at": now, **fields}
    if to_state in (State.SUBMITTED, State.RESUBMITTED):
        # The clock starts again from a complete dossier.
        changes.update(
            submitted_at=application.submitted_at or now,
            due_at=workdays.deadline(now, WORKING_DAYS[application.kind]),
            overdue_at=None,
        )
    if to_state in (State.APPROVED, State.REFUSED):
        changes["decided_at"] = now
    if appointment_at is not None:
        changes["appointment_at"] = appointment_at
    updated = Application.objects.filter(pk=application.pk, state=from_state).update(**changes)
    if not updated:
        raise StaleState(f"{from_state} -> {to_state}")
    for name, value in changes.items():
        setattr(application, name, value)
    if to_state == State.WITHDRAWN:
        _close_confirmation_requests(application, at=now)
    event = Event.objects.create(
        application=application,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        at=now,
        note=note,
        appointment_at=appointment_at,
    )
    notifications.on_transition(application, event)
    return application


def _close_confirmation_requests(application: Application, *, at: datetime) -> None:
    """A withdrawn application needs no confirmation of residence: its open request is closed,
    so the ward police no longer see it waiting. The reason is written in the site's language,
    like the rest of what the portal stores for the police."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext("The applicant withdrew the application.")
    ResidenceConfirmation.objects.filter(
        application=application, status=ConfirmationStatus.REQUESTED
    ).update(status=ConfirmationStatus.REFUSED, decided_at=at, refusal_reason=reason)
