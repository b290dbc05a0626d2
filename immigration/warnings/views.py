from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from establishments.access import establishment_for
from guests.models import VISA_WARNING_DAYS
from wards.access import officer_ward_or_403

from . import queries


def visa_warnings(request: HttpRequest) -> HttpResponse:
    """The desk's and the owner's list: their establishment's guests whose visa ends soon, each
    with a link to request an extension (or the application already under way)."""
    establishment = establishment_for(request.user)
    today = timezone.localdate()
    declarations = queries.with_open_application(
        queries.of_establishment(establishment, today)
    ).select_related("establishment")
    return render(
        request,
        "immigration/warnings/visa_warnings.html",
        {
            "establishment": establishment,
            "warnings": queries.warnings(declarations, today),
            "days": VISA_WARNING_DAYS,
        },
    )


def ward_visa_warnings(request: HttpRequest) -> HttpResponse:
    """The ward police's list: every establishment of the ward (a beat officer's too)."""
    ward = officer_ward_or_403(request.user)
    today = timezone.localdate()
    declarations = queries.with_open_application(queries.of_ward(ward, today)).select_related(
        "establishment"
    )
    return render(
        request,
        "immigration/warnings/ward_visa_warnings.html",
        {
            "ward": ward,
            "warnings": queries.warnings(declarations, today),
            "days": VISA_WARNING_DAYS,
        },
    )
