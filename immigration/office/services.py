"""The office's decisions, each one transition (compare-and-set: services.StaleState when
another officer, or the applicant, acted first) with what it records."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from luutru.models import User

from ..models import Application, State
from ..services import transition


@transaction.atomic
def request_information(*, application: Application, by: User, text: str) -> Application:
    return transition(application, State.INFO_REQUESTED, actor=by, note=text, info_request=text)


@transaction.atomic
def accept(*, application: Application, by: User, appointment_at: datetime) -> Application:
    """Accept the dossier, with an appointment to hand in the passport."""
    return transition(application, State.ACCEPTED, actor=by, appointment_at=appointment_at)


@transaction.atomic
def approve(*, application: Application, by: User, appointment_at: datetime) -> Application:
    """Approve, with an appointment to collect the result."""
    return transition(application, State.APPROVED, actor=by, appointment_at=appointment_at)


@transaction.atomic
def refuse(*, application: Application, by: User, reason: str) -> Application:
    return transition(application, State.REFUSED, actor=by, note=reason, refusal_reason=reason)
