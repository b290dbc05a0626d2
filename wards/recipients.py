"""Who is told: one function per audience, for the notices and feedback (written with the ORM)
and for the flags (one INSERT ... SELECT in PostgreSQL, wards.flags.notifications, which
embeds the same querysets). Only active accounts whose role still is the audience's."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, QuerySet

from establishments.models import Establishment
from luutru.models import ESTABLISHMENT_ROLES, WARD_ROLES, Role, User, Ward


def police() -> QuerySet[User]:
    """Every active officer and commander of any ward, with the ward as ``ward_id``."""
    return User.objects.filter(officer__isnull=False, role__in=WARD_ROLES, is_active=True).annotate(
        ward_id=F("officer__ward_id")
    )


def ward_police(ward: Ward) -> QuerySet[User]:
    """The ward's police: its active officers and commanders."""
    return police().filter(officer__ward=ward)


def _staff(roles: Iterable[str]) -> QuerySet[User]:
    return User.objects.filter(staff__isnull=False, role__in=list(roles), is_active=True).annotate(
        establishment_id=F("staff__establishment_id")
    )


def owners() -> QuerySet[User]:
    """Every active owner of any establishment, with the establishment as
    ``establishment_id``. The flags go to owners only: a receptionist is not told."""
    return _staff([Role.OWNER])


def establishment_staff(establishments: Iterable[Establishment]) -> QuerySet[User]:
    """The active owners and receptionists of these establishments (notices, feedback)."""
    return _staff(ESTABLISHMENT_ROLES).filter(staff__establishment__in=list(establishments))
