"""``{% establishment_flags establishment %}``: the open flags of an establishment, with a form
to resolve each, for its owner's home page."""

from __future__ import annotations

from typing import Any

from django import template

from luutru.models import Role

from ..flags.queries import OPEN_SHOWN, open_flags_of

register = template.Library()


@register.inclusion_tag("wards/_flags.html", takes_context=True)
def establishment_flags(context: template.Context, establishment) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "flags": list(open_flags_of(establishment)[:OPEN_SHOWN]),
        # The page is the owner's; a receptionist sees the flags without the form.
        "can_resolve": getattr(user, "role", None) == Role.OWNER,
        "forms_by_flag": {},
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
        "show_establishment": False,
    }
