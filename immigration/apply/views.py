from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..access import applicant_or_403
from ..models import Application


def applications(request: HttpRequest) -> HttpResponse:
    """The applicant's applications, the last changed first."""
    applicant = applicant_or_403(request.user)
    rows = Application.objects.filter(**applicant.scope()).order_by("-updated_at", "-id")[:100]
    return render(
        request,
        "immigration/apply/applications.html",
        {"applicant": applicant, "applications": rows},
    )


def new(request: HttpRequest) -> HttpResponse:
    """Start an application (immigration.apply builds the form)."""
    applicant_or_403(request.user)
    return applications(request)
