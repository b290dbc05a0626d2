"""Workflows that write declarations: filing at check-in and recording check-out."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from establishments.models import Establishment
from luutru.models import User

from . import deadlines
from .models import (
    DOCUMENT_CONSTRAINT,
    SUBMISSION_CONSTRAINT,
    Declaration,
    DeclarationKind,
    DeclarationVersion,
)


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


def _constraint_name(error: IntegrityError) -> str | None:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


@transaction.atomic
def file_declarations(
    *,
    establishment: Establishment,
    filed_by: User,
    kind: DeclarationKind | str,
    guests: list[Mapping[str, Any]],
    stay: Mapping[str, Any],
    submission_key: uuid.UUID,
) -> list[Declaration]:
    """File the guests of one room at once, all or none, each with its deadline and late mark
    fixed at this moment, and its version 1.

    A form already filed (same ``submission_key``: a double click, a browser retry, back and
    submit again) files nothing and returns the declarations it filed the first time.
    """
    keys = [guest_submission_key(submission_key, i) for i in range(len(guests))]
    already = _filed(establishment, keys)
    if already:
        return already

    now = timezone.now()
    remote = establishment.ward.remote
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
        declaration.deadline = declaration.legal_deadline(remote=remote)
        declaration.late = deadlines.is_late(now, declaration.deadline)
        declarations.append(declaration)

    try:
        # A savepoint, so that the transaction survives the conflict and can read the winner.
        with transaction.atomic():
            Declaration.objects.bulk_create(declarations)
    except IntegrityError as e:
        constraint = _constraint_name(e)
        if constraint == SUBMISSION_CONSTRAINT:
            # The same form, posted twice at once: PostgreSQL made this insert wait for the
            # other one to commit; what it filed is visible now.
            return _filed(establishment, keys)
        if constraint == DOCUMENT_CONSTRAINT:
            raise DocumentAlreadyStaying(_staying_indices(establishment, declarations)) from e
        raise

    DeclarationVersion.objects.bulk_create(
        DeclarationVersion(
            declaration=declaration,
            number=1,
            data=declaration.snapshot(),
            created_by=filed_by,
            created_at=now,
        )
        for declaration in declarations
    )
    return declarations


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
    staying = set(
        Declaration.objects.staying()
        .filter(
            establishment=establishment,
            document_number__in=[d.document_number for d in declarations],
        )
        .values_list("document_type", "nationality", "document_number")
    )
    return [
        i
        for i, d in enumerate(declarations)
        if (d.document_type, d.nationality, d.document_number) in staying
    ]


@transaction.atomic
def check_out(*, declarations: Iterable[Declaration], at: datetime, by: User) -> int:
    """Record the departure of these guests; those already gone keep their first departure
    time. Returns how many were checked out now."""
    return Declaration.objects.filter(
        pk__in=[d.pk for d in declarations], departed_at__isnull=True
    ).update(departed_at=at, departed_by=by)
