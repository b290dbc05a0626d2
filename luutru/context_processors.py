from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from luutru.models import WARD_ROLES
from wards.comm import officer_badges_of_request


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    role = getattr(user, "role", None)
    context = {"role": role, "nav_badges": None}
    if role in WARD_ROLES:
        # Lazy: counted only by a page that renders the navbar.
        context["nav_badges"] = SimpleLazyObject(lambda: officer_badges_of_request(request))
    return context
