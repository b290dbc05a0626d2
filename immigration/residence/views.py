from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from luutru import throttle
from luutru.clientip import client_ip
from luutru.models import WARD_ROLES
from wards.access import officer_ward_or_403
from wards.models import AccessAction
from wards.services import log_access

from .. import access
from ..models import ConfirmationStatus
from . import pdf, queries, services
from .forms import ConfirmationRefusalForm, VerifyForm

# Public lookups per address: enough for a landlord or an employer checking a few papers, too
# few to walk the code space.
VERIFY_SCOPE = "residence-verify"
VERIFY_LIMIT = 30
VERIFY_WINDOW = timedelta(minutes=10)


# --- the applicant ------------------------------------------------------------------------------


def _back(request: HttpRequest) -> str:
    """The application page the request came from (the panel posts its own address)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("immigration:applications")


@require_POST
def request_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.get_own_application_for_user(request.user, pk)
    try:
        services.request_confirmation(application=application, by=request.user)
    except services.CannotRequest:
        messages.warning(
            request,
            _(
                "The ward police cannot be asked now: the application has no ward, is closed, "
                "or a request is already waiting."
            ),
        )
    else:
        messages.success(
            request,
            _("The police of %(ward)s were asked to confirm the residence.")
            % {"ward": application.ward.name},
        )
    # Not redirect(): a "next" that looks like a view name would be reversed.
    return HttpResponseRedirect(_back(request))


# --- the ward police ----------------------------------------------------------------------------


def confirmations(request: HttpRequest) -> HttpResponse:
    ward = officer_ward_or_403(request.user)
    open_, decided = queries.open_and_decided(access.confirmations_for(request.user))
    return render(
        request,
        "immigration/residence/confirmations.html",
        {"ward": ward, "open": open_, "decided": decided},
    )


def _detail(request: HttpRequest, confirmation, form: ConfirmationRefusalForm, status: int = 200):
    application = confirmation.application
    stays = queries.stays_in_ward(confirmation.ward, application.passport_hash)
    # The guest's declarations are opened here as on the inbox: each one is in the access log.
    for declaration in stays:
        log_access(
            request, ward=confirmation.ward, action=AccessAction.VIEW, declaration=declaration
        )
    return render(
        request,
        "immigration/residence/confirmation.html",
        {
            "confirmation": confirmation,
            "application": application,
            "stays": stays,
            "refusal_form": form,
        },
        status=status,
    )


def confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_confirmation_for_user(request.user, pk)
    return _detail(request, obj, ConfirmationRefusalForm())


@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_confirmation_for_user(request.user, pk)
    try:
        services.confirm_residence(confirmation=obj, officer=request.user)
    except services.AlreadyDecided:
        messages.warning(request, _("Someone else decided this request first."))
        return redirect("immigration:confirmation", pk=obj.pk)
    messages.success(
        request,
        _("The residence of %(name)s is confirmed; the applicant can download the paper.")
        % {"name": obj.application.full_name},
    )
    return redirect("immigration:confirmation", pk=obj.pk)


@require_POST
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_confirmation_for_user(request.user, pk)
    form = ConfirmationRefusalForm(request.POST)
    if not form.is_valid():
        return _detail(request, obj, form, status=400)
    try:
        services.refuse_residence(
            confirmation=obj, officer=request.user, reason=form.cleaned_data["reason"]
        )
    except services.AlreadyDecided:
        messages.warning(request, _("Someone else decided this request first."))
        return redirect("immigration:confirmation", pk=obj.pk)
    messages.success(
        request,
        _("The request for %(name)s was refused; the applicant sees the reason.")
        % {"name": obj.application.full_name},
    )
    return redirect("immigration:confirmations")


# --- the paper ----------------------------------------------------------------------------------


@require_GET
@never_cache
def confirmation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_issued_confirmation_for_user(request.user, pk)
    if obj.status != ConfirmationStatus.CONFIRMED:
        messages.warning(request, _("This residence has not been confirmed: there is no paper."))
        if request.user.role in WARD_ROLES:
            return redirect("immigration:confirmation", pk=obj.pk)
        return redirect("home")
    verify_url = request.build_absolute_uri(reverse("immigration:verify_code", args=[obj.code]))
    response = HttpResponse(pdf.render(obj, verify_url=verify_url), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="xac-nhan-cu-tru-{obj.application.reference}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- public verification ------------------------------------------------------------------------


def _too_many(request: HttpRequest) -> bool:
    counted = throttle.hit(VERIFY_SCOPE, client_ip(request) or "-", window=VERIFY_WINDOW)
    return counted.count > VERIFY_LIMIT


def _slow_down(request: HttpRequest, form: VerifyForm) -> HttpResponse:
    return render(
        request, "immigration/residence/verify.html", {"form": form, "throttled": True}, status=429
    )


@login_not_required
@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("immigration:verify_code", code=form.cleaned_data["code"])
    return render(request, "immigration/residence/verify.html", {"form": form})


@login_not_required
@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    form = VerifyForm(initial={"code": pdf.grouped(services.normalise_code(code))})
    if _too_many(request):
        return _slow_down(request, form)
    validity, found = services.look_up(code)
    return render(
        request,
        "immigration/residence/verify.html",
        {
            "form": form,
            "validity": validity,
            "issued_on": found.decided_at if found else None,
            "ward": found.ward if found else None,
            "passport_tail": found.passport_tail if found else "",
        },
    )
