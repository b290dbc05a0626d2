"""The count of visa-expiry warnings where people look first: the desk's and the owner's home
(an alert linking to the list) and the police's menu."""

from __future__ import annotations

from django import template
from django.utils import timezone

from establishments.models import Establishment
from luutru.models import User
from wards.access import ward_for

from ..warnings import queries

register = template.Library()


@register.inclusion_tag("immigration/warnings/_alert.html")
def visa_warning_alert(establishment: Establishment) -> dict[str, object]:
    return {"count": queries.of_establishment(establishment, timezone.localdate()).count()}


@register.simple_tag
def ward_visa_warning_count(user: User) -> int:
    """For the police's menu: 0 for anyone who is not a ward's officer or commander."""
    ward = ward_for(user)
    if ward is None:
        return 0
    return queries.of_ward(ward, timezone.localdate()).count()
