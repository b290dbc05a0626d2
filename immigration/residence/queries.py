from __future__ import annotations

from django.db.models import F

from guests.models import Declaration
from luutru.models import Ward
from wards.access import declarations_of_ward

from ..models import ConfirmationStatus, ResidenceConfirmation

# A guest's stays at the ward's lodgings shown beside a request: enough for a long stay's
# history, never the whole table.
STAYS_SHOWN = 20


def stays_in_ward(ward: Ward, passport_hash: str) -> list[Declaration]:
    """The declarations filed at the ward's lodgings for this passport: the stay still going
    first, then the latest ones."""
    if not passport_hash:
        return []
    return list(
        declarations_of_ward(ward)
        .filter(document_hash=passport_hash)
        .select_related("establishment")
        .order_by(F("departed_at").desc(nulls_first=True), "-arrival", "-id")[:STAYS_SHOWN]
    )


def open_and_decided(scoped):
    """The ward's open requests, oldest first; then the decided ones, latest first."""
    rows = scoped.select_related("application__establishment", "application__sponsor")
    open_ = rows.filter(status=ConfirmationStatus.REQUESTED).order_by("requested_at", "id")
    decided = rows.exclude(status=ConfirmationStatus.REQUESTED).order_by("-decided_at", "-id")
    return open_, decided[:50]


def latest_of(application) -> ResidenceConfirmation | None:
    return application.confirmations.order_by("-requested_at", "-id").first()
