"""What the notices and feedback pages read besides the access rules (wards.access): the
officer's badges, the declarations a thread may be about, the establishments a notice goes to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, IntegerField, Q, QuerySet, Subquery, Value
from django.utils import timezone

from establishments.models import Establishment, Status
from guests.models import Declaration
from luutru.models import User, Ward

from ..flags.notifications import in_app_for
from ..models import FeedbackCategory, FeedbackStatus, FeedbackThread

# How far back the declarations offered in a feedback form go.
RECENT_DECLARATIONS = timedelta(days=30)


def new_suspicious_reports(threads: QuerySet[FeedbackThread]) -> QuerySet[FeedbackThread]:
    """The reports of a suspicious guest the police have not answered yet (new, or written to
    again by the establishment since the last answer)."""
    return threads.filter(category=FeedbackCategory.SUSPICIOUS_GUEST, status=FeedbackStatus.OPEN)


@dataclass(frozen=True)
class OfficerBadges:
    unread_notifications: int
    suspicious_reports: int
    # Staying foreigners of the ward whose visa ends soon: shown on its own menu entry, not in
    # the total of what waits for an answer.
    visa_warnings: int = 0

    @property
    def total(self) -> int:
        return self.unread_notifications + self.suspicious_reports


def _count(queryset: QuerySet) -> Subquery:
    # COUNT(*) of the queryset as a scalar subquery: grouped by a constant, so one row.
    counted = queryset.order_by().values(all=Value(1)).annotate(n=Count("*")).values("n")
    return Subquery(counted, output_field=IntegerField())


def officer_badges(user: User) -> OfficerBadges:
    """What waits for an officer, all counts in one query (the navbar runs it on every page).
    The threads and guests are scoped through the officer's membership row inside the query,
    so no ward lookup is needed first."""
    guests = Declaration.objects.filter(establishment__ward__officers__user=user)
    counts = (
        User.objects.filter(pk=user.pk)
        .values(
            unread=_count(in_app_for(user).filter(read_at__isnull=True)),
            suspicious=_count(
                new_suspicious_reports(FeedbackThread.objects.filter(ward__officers__user=user))
            ),
            visas=_count(guests.visa_ending(timezone.localdate())),
        )
        .get()
    )
    return OfficerBadges(
        unread_notifications=counts["unread"],
        suspicious_reports=counts["suspicious"],
        visa_warnings=counts["visas"],
    )


def officer_badges_of_request(request) -> OfficerBadges:
    """``officer_badges`` once a request: the home page's cards and the navbar share them."""
    if not hasattr(request, "_officer_badges"):
        request._officer_badges = officer_badges(request.user)
    return request._officer_badges


def declarations_to_refer(
    establishment: Establishment, *, at: datetime, including: Declaration | None = None
) -> QuerySet[Declaration]:
    """The declarations a thread of the establishment may be about: its own of the last 30
    days, and the one the thread was opened from (whatever its age)."""
    recent = Q(arrival__gte=at - RECENT_DECLARATIONS)
    if including is not None:
        recent |= Q(pk=including.pk)
    return (
        Declaration.objects.filter(recent, establishment=establishment)
        .only("pk", "room", "full_name", "arrival")
        .order_by("-arrival", "-id")
    )


def recipients_of(ward: Ward) -> QuerySet[Establishment]:
    return Establishment.objects.filter(ward=ward, status=Status.ACTIVE).order_by("name", "pk")
