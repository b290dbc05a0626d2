"""Who may see what in this app: every view fetches declarations through these helpers.

A receptionist or owner sees the declarations of their own establishment; another
establishment's id is a 404 (strangers learn nothing, not even that the id exists); any other
role is a 403 here. The ward police reach declarations through wards.inbox, scoped by ward.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from establishments.access import establishment_for, owned_establishment
from establishments.models import Establishment
from luutru.models import ESTABLISHMENT_ROLES, Role, User

from .models import (
    Declaration,
    ImportBatch,
    RegisterClosing,
    ReviewAction,
    ReviewEvent,
    ReviewStatus,
)


def establishment_of(user: User) -> Establishment:
    """The establishment whose guests, register and uploads this user reads: a receptionist's
    or an owner's own (any other role: 403)."""
    return establishment_for(user)


def audited_establishment(user: User) -> Establishment:
    """The establishment whose submissions this user audits: owners only. A receptionist gets
    a 403: the audit is the owner's oversight of the staff."""
    return owned_establishment(user)


def declarations_for(user: User) -> QuerySet[Declaration]:
    """The declarations this user may read."""
    if user.role not in ESTABLISHMENT_ROLES:
        raise PermissionDenied
    return Declaration.objects.filter(establishment=establishment_for(user)).select_related(
        "establishment__ward", "filed_by"
    )


def get_declaration_for_user(user: User, pk: int) -> Declaration:
    return get_object_or_404(declarations_for(user), pk=pk)


def get_declarations_for_user(user: User, ids: Iterable[int]) -> list[Declaration]:
    """The declarations with these ids, all of them the user's: one that is not (another
    establishment's guest, or no guest at all) makes the whole request a 404."""
    ids = set(ids)
    found = list(declarations_for(user).filter(pk__in=ids))
    if len(found) != len(ids):
        raise Http404
    return found


def get_declaration_to_correct(user: User, pk: int) -> Declaration:
    """A declaration the user may correct: the front desk of its establishment only (another
    establishment's id is a 404, an owner of this one a 403)."""
    declaration = get_declaration_for_user(user, pk)
    if not can_file(user):
        raise PermissionDenied
    return declaration


def returned_for(user: User) -> QuerySet[Declaration]:
    """The declarations the police returned and the front desk has not corrected yet, oldest
    return first, each with the reason and time of its latest return."""
    last_return = ReviewEvent.objects.filter(
        declaration=OuterRef("pk"), action=ReviewAction.RETURNED
    ).order_by("-at", "-id")
    return (
        declarations_for(user)
        .filter(review_status=ReviewStatus.RETURNED)
        .annotate(
            return_reason=Subquery(last_return.values("reason")[:1]),
            returned_at=Subquery(last_return.values("at")[:1]),
        )
        .order_by("returned_at", "id")
    )


def desk_establishment(user: User) -> Establishment:
    """The establishment a receptionist files guests for; owners only read (403)."""
    if user.role != Role.RECEPTIONIST:
        raise PermissionDenied
    return establishment_for(user)


def can_file(user: User) -> bool:
    return user.role == Role.RECEPTIONIST


def closings_for(user: User) -> QuerySet[RegisterClosing]:
    """The register closings of the user's establishment (receptionist or owner; else 403)."""
    return RegisterClosing.objects.filter(establishment=establishment_for(user)).select_related(
        "closed_by"
    )


def get_closing_for_user(user: User, pk: int) -> RegisterClosing:
    return get_object_or_404(closings_for(user), pk=pk)


def import_batches_for(user: User) -> QuerySet[ImportBatch]:
    """The CSV uploads of the user's establishment (receptionist or owner; else 403), without
    the files themselves."""
    return (
        ImportBatch.objects.filter(establishment=establishment_for(user))
        .select_related("uploaded_by")
        .defer("content")
    )


def get_import_batch_for_user(user: User, pk: int) -> ImportBatch:
    return get_object_or_404(import_batches_for(user), pk=pk)
