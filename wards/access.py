"""Who may see what of the wards app: one helper per access rule. Every page fetches its ward,
and the rows it shows, through these.

A ward page takes no ward id: an officer's ward is the one of their membership row, so another
ward's data is out of reach by construction; another ward's (or establishment's) row id is a
404, as if it did not exist. Someone without the right role gets a 403."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from establishments.access import establishment_for, owned_establishment
from establishments.models import Establishment
from guests.models import Declaration
from luutru.models import WARD_ROLES, Officer, Role, User, Ward

from .models import FeedbackStatus, FeedbackThread, Flag, Notice, NoticeDelivery


def ward_for(user: User) -> Ward | None:
    """The ward whose police the user belongs to, or None for anyone else."""
    if not user.is_authenticated or user.role not in WARD_ROLES:
        return None
    officer = Officer.objects.select_related("ward__province").filter(user=user).first()
    return officer.ward if officer else None


def wards_for(user: User) -> QuerySet[Ward]:
    """The wards the user may act for: their own, for officers and commanders; none otherwise."""
    ward = ward_for(user)
    if ward is None:
        return Ward.objects.none()
    return Ward.objects.select_related("province").filter(pk=ward.pk)


def officer_ward_or_403(user: User) -> Ward:
    """The ward of an officer or commander."""
    ward = ward_for(user)
    if ward is None:
        raise PermissionDenied
    return ward


def commanded_ward_or_403(user: User) -> Ward:
    """The ward of a commander; an officer who is not its commander gets a 403."""
    if getattr(user, "role", None) != Role.WARD_COMMANDER:
        raise PermissionDenied
    return officer_ward_or_403(user)


# --- declarations (the inbox and the officer's declaration page) --------------------------------


def declarations_of_ward(ward: Ward) -> QuerySet[Declaration]:
    """Every declaration filed with an establishment of the ward, nothing else."""
    return Declaration.objects.filter(establishment__ward=ward)


def get_declaration_of_ward_or_404(ward: Ward, pk: int) -> Declaration:
    """One declaration of the ward; another ward's id is a 404, as if it did not exist."""
    declaration = (
        declarations_of_ward(ward)
        .select_related("establishment__application", "establishment__beat", "filed_by")
        .filter(pk=pk)
        .first()
    )
    if declaration is None:
        raise Http404
    return declaration


def declarations_of_ward_or_404(ward: Ward, ids: Iterable[int]) -> list[Declaration]:
    """All the declarations asked for, or a 404 if any one of them is not the ward's (or does
    not exist): a bulk action with a stranger's id in it does nothing at all."""
    wanted = set(ids)
    found = list(declarations_of_ward(ward).filter(pk__in=wanted).order_by("pk"))
    if not wanted or len(found) != len(wanted):
        raise Http404
    return found


# --- establishments (the board) -----------------------------------------------------------------


def establishments_for(user: User) -> QuerySet[Establishment]:
    """The establishments of the officer's or commander's ward; anyone else gets a 403."""
    ward = officer_ward_or_403(user)
    return Establishment.objects.filter(ward=ward).select_related("ward__province", "beat")


def get_establishment_for_user(user: User, pk: int) -> Establishment:
    """Another ward's establishment is a 404."""
    return get_object_or_404(establishments_for(user), pk=pk)


# --- flags --------------------------------------------------------------------------------------


def flags_for(user: User) -> QuerySet[Flag]:
    """The flags a user may see and resolve: the ward's for its police, the establishment's for
    its owner; anyone else gets a 403."""
    if user.role in WARD_ROLES:
        ward = officer_ward_or_403(user)
        scoped = Flag.objects.filter(ward=ward)
    elif user.role == Role.OWNER:
        scoped = Flag.objects.filter(establishment=owned_establishment(user))
    else:
        raise PermissionDenied
    return scoped.select_related("establishment", "declaration", "resolved_by")


def get_flag_for_user(user: User, pk: int) -> Flag:
    return get_object_or_404(flags_for(user), pk=pk)


# --- notices ------------------------------------------------------------------------------------


def notices_for_officer(user: User) -> QuerySet[Notice]:
    """The notices of the officer's ward, with how many establishments got and read each."""
    ward = officer_ward_or_403(user)
    return (
        Notice.objects.filter(ward=ward)
        .select_related("author")
        .annotate(
            delivered=Count("deliveries"),
            read=Count("deliveries", filter=Q(deliveries__read_at__isnull=False)),
        )
        .order_by("-published_at", "-id")
    )


def get_notice_for_officer(user: User, pk: int) -> Notice:
    return get_object_or_404(notices_for_officer(user), pk=pk)


def deliveries_for(user: User) -> QuerySet[NoticeDelivery]:
    """The notices delivered to the user's establishment, unread first, newest first."""
    establishment = establishment_for(user)
    return (
        NoticeDelivery.objects.filter(establishment=establishment)
        .select_related("notice", "read_by")
        .unread_first()
    )


def get_delivery_for_user(user: User, notice_pk: int) -> NoticeDelivery:
    """A notice as the user's establishment received it; one not sent to it is a 404."""
    return get_object_or_404(deliveries_for(user), notice_id=notice_pk)


# --- feedback threads ---------------------------------------------------------------------------


def threads_for_officer(user: User) -> QuerySet[FeedbackThread]:
    """The ward's feedback threads: open ones first, then answered, then closed."""
    ward = officer_ward_or_403(user)
    return (
        FeedbackThread.objects.filter(ward=ward)
        .select_related("establishment", "created_by", "declaration")
        .annotate(
            status_rank=Case(
                When(status=FeedbackStatus.OPEN, then=Value(0)),
                When(status=FeedbackStatus.ANSWERED, then=Value(1)),
                default=Value(2),
            ),
            message_count=Count("messages"),
        )
        .order_by("status_rank", "-updated_at", "-id")
    )


def get_thread_for_officer(user: User, pk: int) -> FeedbackThread:
    return get_object_or_404(threads_for_officer(user), pk=pk)


def threads_for_establishment(user: User) -> QuerySet[FeedbackThread]:
    establishment = establishment_for(user)
    return (
        FeedbackThread.objects.filter(establishment=establishment)
        .select_related("establishment", "created_by", "declaration")
        .annotate(message_count=Count("messages"))
        .order_by("-updated_at", "-id")
    )


def get_thread_for_establishment(user: User, pk: int) -> FeedbackThread:
    return get_object_or_404(threads_for_establishment(user), pk=pk)
