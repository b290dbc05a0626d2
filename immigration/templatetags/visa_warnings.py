"""The count of visa-expiry warnings where the lodging looks first: the desk and the owner's
home (an alert linking to the list). The police's menu counts them with its other badges
(wards.comm.queries.officer_badges)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from establishments.models import Establishment

from ..warnings import queries

register = template.Library()


@register.inclusion_tag("immigration/warnings/_alert.html")
def visa_warning_alert(establishment: Establishment) -> dict[str, object]:
    return {"count": queries.of_establishment(establishment, timezone.localdate()).count()}
