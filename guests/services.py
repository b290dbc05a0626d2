"""Workflows that write declarations: filing at check-in, recording check-out, correcting
(a new version each time), and the police's decisions (review events)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from establishments.models import Establishment
from luutru.db import constraint_name
from luutru.models import User

from . import documents
from .models import (
    DOCUMENT_CONSTRAINT,
    GUEST_FIELDS,
    STAY_FIELDS,
    SUBMISSION_CONSTRAINT,
    Declaration,
    DeclarationKind,
    DeclarationVersion,
    ReviewAction,
    ReviewEvent,
    ReviewStatus,
)
from .signals import declaration_corrected, declarations_filed

# How long after check-out the front desk may still correct a declaration on its own: time to
# notice a typo at check-out or when closing the next day's register. Later, what the police
# hold stays as it is unless they return it (a returned declaration can always be corrected:
# the police asked for it).
CORRECTION_WINDOW = timedelta(hours=48)


class DocumentAlreadyStaying(Exception):
    """Some guests' documents are already staying at the establishment (a race the form's own
    check lost). ``indices`` are their positions in the submitted group."""

    def __init__(self, indices: list[int]) -> None:
        self.indices = indices
        super().__init__(f"documents already staying: guests {indices}")


def guest_submission_key(submission_key: uuid.UUID, index: int) -> uuid.UUID:
    """The key of the ``index``-th guest of a submitted form: one key per form, one row per
    guest, and the same form posted again yields the same keys."""
    return uuid.uuid5(submission_key, str(index))


@transaction.atomic
def file_declarations(
    *,
    establishment: Establishment,
    filed_by: User,
    kind: DeclarationKind | str,
    guests: list[Mapping[str, Any]],
    stay: Mapping[str, Any],
    submission_key: uuid.UUID,
    checked_unfiled: bool = False,
    at: datetime | None = None,
) -> list[Declaration]:
    """File the guests of one room at once, all or none, each with its deadline and late mark
    fixed at this moment, and its version 1.

    A form already filed (same ``submission_key``: a double click, a browser retry, back and
    submit again) files nothing and returns the declarations it filed the first time.
    ``checked_unfiled``: the caller has just looked (``filed_with``) and found it unfiled, so
    the look-up is not repeated; one filed since is still caught by the unique constraint.
    ``at``: the moment of filing, now unless the demo replays a past day.
    """
    keys = [guest_submission_key(submission_key, i) for i in range(len(guests))]
    already = [] if checked_unfiled else _filed(establishment, keys)
    if already:
        return already

    now = at or timezone.now()
    declarations = []
    for key, guest in zip(keys, guests, strict=True):
        declaration = Declaration(
            establishment=establishment,
            kind=kind,
            filed_by=filed_by,
            filed_at=now,
            submission_key=key,
            **guest,
            **stay,
        )
        declaration.fix_at_filing(at=now, ward=establishment.ward)
        declarations.append(declaration)

    try:
        # A savepoint, so that the transaction survives the conflict and can read the winner.
        with transaction.atomic():
            Declaration.objects.bulk_create(declarations)
    except IntegrityError as e:
        constraint = constraint_name(e)
        if constraint == SUBMISSION_CONSTRAINT:
            # The same form, posted twice at once: PostgreSQL made this insert wait for the
            # other one to commit; what it filed is visible now.
            return _filed(establishment, keys)
        if constraint == DOCUMENT_CONSTRAINT:
            raise DocumentAlreadyStaying(_staying_indices(establishment, declarations)) from e
        raise

    record_filing(declarations, filed_by=filed_by, at=now)
    return declarations


def record_filing(declarations: list[Declaration], *, filed_by: User, at: datetime) -> None:
    """What every filing writes beside its inserted declarations, whatever its path (the desk,
    a CSV file): version 1 of each, then the flags it raises by itself (late, an expired
    document), by the receivers of ``declarations_filed``, in the same transaction."""
    DeclarationVersion.objects.bulk_create(
        (
            DeclarationVersion(
                declaration=declaration,
                number=1,
                data=declaration.snapshot(),
                created_by=filed_by,
                created_at=at,
            )
            for declaration in declarations
        ),
        batch_size=2000,
    )
    declarations_filed.send(sender=Declaration, declarations=declarations, at=at)


def filed_with(*, establishment: Establishment, submission_key: uuid.UUID) -> bool:
    """Whether the form with this key was filed already (its guests are filed all or none)."""
    return Declaration.objects.filter(
        establishment=establishment, submission_key=guest_submission_key(submission_key, 0)
    ).exists()


def _filed(establishment: Establishment, keys: list[uuid.UUID]) -> list[Declaration]:
    by_key = {
        d.submission_key: d
        for d in Declaration.objects.filter(establishment=establishment, submission_key__in=keys)
    }
    return [by_key[key] for key in keys if key in by_key]


def _staying_indices(establishment: Establishment, declarations: list[Declaration]) -> list[int]:
    hashes = [documents.document_hash(d.document_number) for d in declarations]
    staying = set(
        Declaration.objects.staying()
        .filter(establishment=establishment, document_hash__in=hashes)
        .values_list("document_type", "nationality", "document_hash")
    )
    return [
        i
        for i, (d, number_hash) in enumerate(zip(declarations, hashes, strict=True))
        if (d.document_type, d.nationality, number_hash) in staying
    ]


@transaction.atomic
def check_out(*, declarations: Iterable[Declaration], at: datetime, by: User) -> int:
    """Record the departure of these guests; those already gone keep their first departure
    time. Returns how many were checked out now."""
    return Declaration.objects.filter(
        pk__in=[d.pk for d in declarations], departed_at__isnull=True
    ).update(departed_at=at, departed_by=by, **Declaration.sweeps_after_check_out())


# --- corrections --------------------------------------------------------------------------------


class CorrectionClosed(Exception):
    """The declaration can no longer be corrected by the front desk (see CORRECTION_WINDOW)."""


def correction_open(declaration: Declaration, *, at: datetime) -> bool:
    """Whether the front desk may correct this declaration at ``at``: while the guest stays,
    for CORRECTION_WINDOW after the check-out, and whenever the police returned it."""
    if declaration.review_status == ReviewStatus.RETURNED or declaration.departed_at is None:
        return True
    return at <= declaration.departed_at + CORRECTION_WINDOW


def current_version_number(declaration: Declaration) -> int:
    number = declaration.versions.aggregate(number=Max("number"))["number"]
    return number or 0


@transaction.atomic
def correct_declaration(
    *,
    declaration: Declaration,
    corrected_by: User,
    data: Mapping[str, Any],
    at: datetime | None = None,
) -> DeclarationVersion | None:
    """Change what the declaration says, keeping every earlier version untouched: the changed
    fields go into the declaration and a full snapshot into version n+1. A correction that
    changes nothing writes nothing and returns None.

    A changed declaration goes back to the police as pending, whether it had been returned
    (this is the re-submission they asked for) or confirmed (they confirmed what the previous
    version said, not this one).

    The deadline and the late mark are not recomputed, even when the arrival changes: lateness
    is about when the police were first told, fixed at the first filing; recomputing it would
    let a correction of the arrival time erase a late mark.
    """
    unknown = set(data) - set(GUEST_FIELDS + STAY_FIELDS)
    if unknown:
        raise ValueError(f"not correctable: {sorted(unknown)}")
    # The row lock orders concurrent corrections (and reviews) of one declaration: the second
    # waits here, then sees the first one's version, so they number n+1 and n+2. The unique
    # constraint on (declaration, number) backs this.
    locked = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("establishment__ward")
        .get(pk=declaration.pk)
    )
    now = at or timezone.now()
    if not correction_open(locked, at=now):
        raise CorrectionClosed
    changed = {name: value for name, value in data.items() if getattr(locked, name) != value}
    if not changed:
        return None
    for name, value in changed.items():
        setattr(locked, name, value)
    update_fields = list(changed)
    if "document_number" in changed:
        update_fields.append("document_hash")
    if locked.review_status != ReviewStatus.PENDING:
        locked.review_status = ReviewStatus.PENDING
        update_fields.append("review_status")
    # Re-submitted: the police review it again within their window; its name and departure
    # may have changed.
    update_fields += locked.schedule_sweeps(ward=locked.establishment.ward, at=now)
    try:
        with transaction.atomic():
            locked.save(update_fields=update_fields)
    except IntegrityError as e:
        if constraint_name(e) == DOCUMENT_CONSTRAINT:
            raise DocumentAlreadyStaying([0]) from e
        raise
    version = DeclarationVersion.objects.create(
        declaration=locked,
        number=current_version_number(locked) + 1,
        data=locked.snapshot(),
        created_by=corrected_by,
        created_at=now,
    )
    declaration_corrected.send(sender=Declaration, declaration=locked, changed=set(changed), at=now)
    for name in update_fields:
        setattr(declaration, name, getattr(locked, name))
    return version


# --- the police's decisions ---------------------------------------------------------------------


class ReviewConflict(Exception):
    """The declaration changed since the officer looked at it: it was decided already (a stale
    click, a second officer) or corrected since. Nothing was written."""


@transaction.atomic
def confirm_declaration(
    *,
    declaration: Declaration,
    officer: User,
    version_number: int | None = None,
    at: datetime | None = None,
) -> ReviewEvent:
    """The police accept the declaration as it stands. Only a pending declaration can be
    confirmed; a confirmation is final until the front desk corrects the declaration again."""
    return _review(
        declaration=declaration,
        officer=officer,
        action=ReviewAction.CONFIRMED,
        status=ReviewStatus.CONFIRMED,
        reason="",
        version_number=version_number,
        at=at,
    )


@transaction.atomic
def return_declaration(
    *,
    declaration: Declaration,
    officer: User,
    reason: str,
    version_number: int | None = None,
    at: datetime | None = None,
) -> ReviewEvent:
    """The police send the declaration back to the front desk, saying why. Only a pending
    declaration can be returned: a confirmed one stays confirmed, so a stale "return" click
    after a colleague's confirmation changes nothing. The front desk's correction makes it
    pending again."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a return needs a reason")
    return _review(
        declaration=declaration,
        officer=officer,
        action=ReviewAction.RETURNED,
        status=ReviewStatus.RETURNED,
        reason=reason,
        version_number=version_number,
        at=at,
    )


def _review(
    *,
    declaration: Declaration,
    officer: User,
    action: ReviewAction,
    status: ReviewStatus,
    reason: str,
    version_number: int | None,
    at: datetime | None,
) -> ReviewEvent:
    # Locked like a correction, so that a decision and a correction cannot cross: the event
    # names the version the decision was about.
    locked = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("establishment__ward")
        .get(pk=declaration.pk)
    )
    current = current_version_number(locked)
    if version_number is not None and version_number != current:
        raise ReviewConflict
    now = at or timezone.now()
    # Compare-and-set: pending is the only state the police decide from.
    updated = Declaration.objects.filter(pk=locked.pk, review_status=ReviewStatus.PENDING).update(
        review_status=status,
        **Declaration.sweeps_after_review(
            returned=status == ReviewStatus.RETURNED, ward=locked.establishment.ward, at=now
        ),
    )
    if not updated:
        raise ReviewConflict
    declaration.review_status = status
    return ReviewEvent.objects.create(
        declaration=locked,
        action=action,
        reason=reason,
        version_number=current,
        by=officer,
        at=now,
    )
