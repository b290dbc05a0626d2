"""What the police write from an establishment's page: inspections."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from establishments.models import Establishment
from luutru.models import User

from ..models import Inspection


@transaction.atomic
def record_inspection(
    *, establishment: Establishment, officer: User, date: date, findings: str, at: datetime
) -> Inspection:
    return Inspection.objects.create(
        establishment=establishment, officer=officer, date=date, findings=findings, created_at=at
    )
