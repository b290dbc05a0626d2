"""Staying foreign guests whose visa or card ends soon (guests.models
``DeclarationQuerySet.visa_ending``), for a lodging or a ward, and what the lists show of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from establishments.models import Establishment
from guests import deadlines
from guests.models import Declaration
from luutru.models import Ward

from ..models import FINAL_STATES, Application


def of_establishment(establishment: Establishment, today: date) -> QuerySet[Declaration]:
    return Declaration.objects.filter(establishment=establishment).visa_ending(today)


def of_ward(ward: Ward, today: date) -> QuerySet[Declaration]:
    return Declaration.objects.filter(establishment__ward=ward).visa_ending(today)


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
