from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..access import office_province_or_403
from ..models import WAITING_STATES, Application


def queue(request: HttpRequest) -> HttpResponse:
    """The office's queue: its province's applications waiting for a decision, oldest first."""
    province = office_province_or_403(request.user)
    applications = (
        Application.objects.filter(province=province, state__in=WAITING_STATES)
        .order_by("submitted_at", "id")
        .only("reference", "kind", "state", "full_name", "nationality", "submitted_at", "due_at")[
            :50
        ]
    )
    return render(
        request,
        "immigration/office/queue.html",
        {"province": province, "applications": applications},
    )
