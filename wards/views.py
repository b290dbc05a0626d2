from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from establishments.models import Application, ApplicationStatus, Establishment, Status
from guests.models import Declaration, ReviewStatus
from luutru.geography import set_ward_remote
from luutru.models import Role

from .access import commanded_ward_or_403, officer_ward_or_403
from .comm.queries import officer_badges_of_request
from .forms import WardSettingsForm
from .models import Flag


def officer_home(request: HttpRequest) -> HttpResponse:
    ward = officer_ward_or_403(request.user)
    return render(
        request,
        "wards/officer_home.html",
        {
            "ward": ward,
            "is_commander": request.user.role == Role.WARD_COMMANDER,
            "pending_applications": Application.objects.filter(
                ward=ward, status=ApplicationStatus.PENDING
            ).count(),
            "active_establishments": Establishment.objects.filter(
                ward=ward, status=Status.ACTIVE
            ).count(),
            "pending_declarations": Declaration.objects.filter(
                establishment__ward=ward, review_status=ReviewStatus.PENDING
            ).count(),
            "open_flags": Flag.objects.open().filter(ward=ward).count(),
            "badges": officer_badges_of_request(request),
        },
    )


def ward_settings(request: HttpRequest) -> HttpResponse:
    ward = commanded_ward_or_403(request.user)
    data = request.POST if request.method == "POST" else None
    form = WardSettingsForm(data, initial={"remote": ward.remote})
    if request.method == "POST" and form.is_valid():
        if set_ward_remote(ward=ward, remote=form.cleaned_data["remote"], by=request.user):
            messages.success(request, _("The ward's settings were saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("wards:settings")
    changes = ward.settings_changes.select_related("changed_by")[:10]
    return render(request, "wards/settings.html", {"ward": ward, "form": form, "changes": changes})
