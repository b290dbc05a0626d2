"""The flags an establishment's pages show (the access rules are in wards.access)."""

from __future__ import annotations

from django.db.models import QuerySet

from establishments.models import Establishment

from ..models import Flag

# How many of each a page lists.
OPEN_SHOWN = 300
RESOLVED_SHOWN = 50


def open_flags_of(establishment: Establishment) -> QuerySet[Flag]:
    return (
        Flag.objects.open()
        .filter(establishment=establishment)
        .select_related("establishment", "declaration")
    )
