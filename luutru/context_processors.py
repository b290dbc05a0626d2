from __future__ import annotations

from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {"role": getattr(user, "role", None)}
