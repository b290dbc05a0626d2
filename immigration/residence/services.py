"""The ward police's confirmation of residence: asked by the applicant, decided by an officer
of the address's ward, each decision compare-and-set on the request's status."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from luutru.models import User

from ..models import Application, ConfirmationStatus, ResidenceConfirmation

# No 0/O, 1/I/L: the code is read off paper and typed by hand.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
# How long a confirmation holds when the application asks for no end date.
DEFAULT_VALIDITY = timedelta(days=183)


class CannotRequest(Exception):
    """The application has no ward, is decided or given up, or already has an open request."""


class AlreadyDecided(Exception):
    """Another officer (or a second tap) decided this request first."""


def can_request(application: Application, confirmations: list[ResidenceConfirmation]) -> bool:
    """Whether the applicant may ask now: an address in a known ward, an application still
    alive, and no request waiting."""
    if application.ward_id is None or application.is_final:
        return False
    return not any(c.status == ConfirmationStatus.REQUESTED for c in confirmations)


@transaction.atomic
def request_confirmation(*, application: Application, by: User) -> ResidenceConfirmation:
    if not can_request(application, list(application.confirmations.all())):
        raise CannotRequest
    try:
        # A savepoint: two taps at once meet the one-open-request constraint.
        with transaction.atomic():
            return ResidenceConfirmation.objects.create(
                application=application,
                ward_id=application.ward_id,
                requested_by=by,
                requested_at=timezone.now(),
            )
    except IntegrityError as error:
        raise CannotRequest from error


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    """What a person types (spaces, dashes, lower case) as the stored code."""
    return "".join(ch for ch in value.upper() if ch.isalnum())


def valid_until_for(application: Application, today: date) -> date:
    if application.requested_until and application.requested_until >= today:
        return application.requested_until
    return today + DEFAULT_VALIDITY


@transaction.atomic
def confirm_residence(*, confirmation: ResidenceConfirmation, officer: User) -> None:
    application = confirmation.application
    now = timezone.now()
    fields = {
        "status": ConfirmationStatus.CONFIRMED,
        "decided_by": officer,
        "decided_at": now,
        "passport_tail": application.passport_number[-3:],
        "valid_until": valid_until_for(application, timezone.localdate()),
    }
    for _attempt in range(5):
        code = new_code()
        try:
            with transaction.atomic():
                won = ResidenceConfirmation.objects.filter(
                    pk=confirmation.pk, status=ConfirmationStatus.REQUESTED
                ).update(code=code, **fields)
        except IntegrityError:
            continue  # the code is taken (32^12 codes: not in this lifetime, but not never)
        if won != 1:
            raise AlreadyDecided
        confirmation.refresh_from_db()
        return
    raise RuntimeError("no free verification code")


@transaction.atomic
def refuse_residence(*, confirmation: ResidenceConfirmation, officer: User, reason: str) -> None:
    won = ResidenceConfirmation.objects.filter(
        pk=confirmation.pk, status=ConfirmationStatus.REQUESTED
    ).update(
        status=ConfirmationStatus.REFUSED,
        decided_by=officer,
        decided_at=timezone.now(),
        refusal_reason=reason,
    )
    if won != 1:
        raise AlreadyDecided
    confirmation.refresh_from_db()


class Validity:
    VALID = "valid"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


def look_up(code: str) -> tuple[str, ResidenceConfirmation | None]:
    """What the public verification page may say of a code: valid, expired or unknown (a
    refused or open request is unknown, as is a code nobody issued)."""
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return Validity.UNKNOWN, None
    found = (
        ResidenceConfirmation.objects.select_related("ward__province")
        .filter(code=code, status=ConfirmationStatus.CONFIRMED)
        .first()
    )
    if found is None:
        return Validity.UNKNOWN, None
    if found.valid_until and found.valid_until < timezone.localdate():
        return Validity.EXPIRED, found
    return Validity.VALID, found
