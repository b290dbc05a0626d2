from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from luutru.models import WARD_ROLES

from .comm.queries import officer_badges_of_request


def nav_badges(request: HttpRequest) -> dict:
    """The officer's unread counts in the navbar. Lazy: counted only by a page that renders
    the navbar."""
    user = getattr(request, "user", None)
    if getattr(user, "role", None) not in WARD_ROLES:
        return {"nav_badges": None}
    return {"nav_badges": SimpleLazyObject(lambda: officer_badges_of_request(request))}
