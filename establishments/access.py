"""Who may see what in this app: every view fetches through these helpers.

Another ward's application or another establishment's staff is a 404 (strangers learn nothing,
not even that the id exists); the wrong role is a 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from luutru.models import ESTABLISHMENT_ROLES, WARD_ROLES, Officer, Role, User, Ward

from .models import Application, Establishment, Staff


def officer_ward(user: User) -> Ward:
    """The ward whose police this officer or commander belongs to."""
    if user.role not in WARD_ROLES:
        raise PermissionDenied
    try:
        return Officer.objects.select_related("ward__province").get(user=user).ward
    except Officer.DoesNotExist:
        raise PermissionDenied from None


def applications_for(user: User) -> QuerySet[Application]:
    """Applications to the officer's ward, pending or decided."""
    ward = officer_ward(user)
    return Application.objects.filter(ward=ward).select_related("ward__province", "decided_by")


def get_application_for_user(user: User, pk: int) -> Application:
    return get_object_or_404(applications_for(user), pk=pk)


def establishment_for(user: User) -> Establishment:
    """The establishment a receptionist or owner works for."""
    if user.role not in ESTABLISHMENT_ROLES:
        raise PermissionDenied
    try:
        staff = Staff.objects.select_related("establishment__ward__province").get(user=user)
    except Staff.DoesNotExist:
        raise PermissionDenied from None
    return staff.establishment


def owned_establishment(user: User) -> Establishment:
    """The establishment whose owner this user is; anyone else gets a 403."""
    if user.role != Role.OWNER:
        raise PermissionDenied
    return establishment_for(user)


def staff_for(user: User) -> QuerySet[Staff]:
    """The accounts of the owner's establishment."""
    establishment = owned_establishment(user)
    return (
        Staff.objects.filter(establishment=establishment)
        .select_related("user", "establishment")
        .order_by("user__role", "user__full_name", "user__username")
    )


def get_staff_for_user(user: User, pk: int) -> Staff:
    return get_object_or_404(staff_for(user), pk=pk)
