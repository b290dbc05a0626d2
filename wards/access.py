"""Who may see which ward. Every ward page fetches its ward through one of these helpers.

A ward page takes no ward id: an officer's ward is the one of their membership row, so another
ward's data is out of reach by construction. Someone without the right role gets a 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from luutru.models import WARD_ROLES, ImmigrationOfficer, Officer, Province, Role, User, Ward


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


def immigration_province_or_403(user: User) -> Province:
    """The province of an immigration officer."""
    if not user.is_authenticated or user.role != Role.IMMIGRATION_OFFICER:
        raise PermissionDenied
    membership = ImmigrationOfficer.objects.select_related("province").filter(user=user).first()
    if membership is None:
        raise PermissionDenied
    return membership.province


def is_id(value: str) -> bool:
    """Whether a posted id is one int() reads and a bigint column could hold: ASCII digits
    only ("²" passes isdigit() and fails int()), and not thousands of them (int() refuses
    more than 4300)."""
    return value.isascii() and value.isdigit() and len(value) <= 18
