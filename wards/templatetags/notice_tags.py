from __future__ import annotations

from django import template

from establishments.models import Establishment
from wards.models import NoticeDelivery

register = template.Library()

SHOWN = 5


@register.inclusion_tag("wards/_unread_notices.html")
def unread_notices(establishment: Establishment) -> dict[str, object]:
    """The establishment's unread notices, newest first, for the owner's and the desk's home
    page: two queries (the newest few and the count)."""
    unread = (
        NoticeDelivery.objects.filter(establishment=establishment, read_at__isnull=True)
        .select_related("notice")
        .order_by("-notice__published_at", "-id")
    )
    shown = list(unread[:SHOWN])
    count = len(shown) if len(shown) < SHOWN else unread.count()
    return {"deliveries": shown, "count": count, "more": count - len(shown)}
