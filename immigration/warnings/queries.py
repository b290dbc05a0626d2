"""Staying foreign guests whose visa or card ends soon: within VISA_WARNING_DAYS of today, or
before their expected departure. Read through the partial indexes declaration_visa_ending and
declaration_visa_short (guests.models), one range and one predicate: PostgreSQL answers the OR
with a BitmapOr of the two, so the list reads only the rows it shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from establishments.models import Establishment
from guests import deadlines
from guests.models import VISA_BEFORE_DEPARTURE, Declaration, DeclarationKind
from luutru.models import Ward

from ..models import FINAL_STATES, Application

# A week's notice: the time a stay extension takes at the office (five working days) and a
# little more to hand in the passport.
VISA_WARNING_DAYS = 7


def _ending(declarations: QuerySet[Declaration], today: date) -> QuerySet[Declaration]:
    return declarations.filter(
        Q(visa_expiry__lte=today + timedelta(days=VISA_WARNING_DAYS)) | VISA_BEFORE_DEPARTURE,
        kind=DeclarationKind.FOREIGNER,
        departed_at__isnull=True,
        visa_expiry__isnull=False,
    )


def of_establishment(establishment: Establishment, today: date) -> QuerySet[Declaration]:
    return _ending(Declaration.objects.filter(establishment=establishment), today)


def of_ward(ward: Ward, today: date) -> QuerySet[Declaration]:
    return _ending(Declaration.objects.filter(establishment__ward=ward), today)


def with_open_application(declarations: QuerySet[Declaration]) -> QuerySet[Declaration]:
    """Each row with ``has_application``: an immigration application about it is under way
    (any state but a final one), so nobody starts a second."""
    return declarations.annotate(
        has_application=Exists(
            Application.objects.filter(declaration=OuterRef("pk")).exclude(state__in=FINAL_STATES)
        )
    )


@dataclass(frozen=True)
class VisaWarning:
    declaration: Declaration
    days: int  # from today to the visa's last day: negative once it has ended
    before_departure: bool
    departure_day: date

    @property
    def ended(self) -> bool:
        return self.days < 0

    @property
    def ended_days(self) -> int:
        return -self.days


def warnings(declarations: QuerySet[Declaration], today: date) -> list[VisaWarning]:
    rows = []
    for declaration in declarations.order_by("visa_expiry", "room", "id"):
        departure_day = deadlines.local_day(declaration.expected_departure)
        rows.append(
            VisaWarning(
                declaration=declaration,
                days=(declaration.visa_expiry - today).days,
                before_departure=declaration.visa_expiry < departure_day,
                departure_day=departure_day,
            )
        )
    return rows
