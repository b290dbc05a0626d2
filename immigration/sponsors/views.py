from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import access
from ..models import SponsorStatus
from . import services
from .forms import SponsorForm, SponsorRefusalForm

# What the "sent" page shows, and how a double-submitted page is recognised.
SUBMITTED_SESSION_KEY = "immigration:sponsor_submitted"
# The set-password link of an approval, shown to the officer once.
ISSUED_LINK_SESSION_KEY = "immigration:sponsor_issued_link"
RECENTLY_DECIDED = timedelta(days=30)


# --- registration (public) -----------------------------------------------------------------------


def _resubmitted(request: HttpRequest, form: SponsorForm) -> bool:
    submitted = request.session.get(SUBMITTED_SESSION_KEY) or {}
    token = form.data.get("submission")
    return bool(token) and submitted.get("submission") == token


def _remember(request: HttpRequest, token: str, sponsor) -> None:
    request.session[SUBMITTED_SESSION_KEY] = {
        "submission": token,
        "name": sponsor.name,
        "email": sponsor.contact_email,
        "province": sponsor.province.name,
    }


@login_not_required
@never_cache  # shown again with the contact's name, phone and e-mail; often a shared computer
def apply(request: HttpRequest) -> HttpResponse:
    form = SponsorForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                sponsor = services.submit_sponsor(data=form.cleaned_data)
            except services.DuplicateSubmission:
                # The same page sent twice: the first one was filed.
                return redirect("immigration:sponsor_applied")
            _remember(request, form.data.get("submission", ""), sponsor)
            return redirect("immigration:sponsor_applied")
        if form.has_error(NON_FIELD_ERRORS, "duplicate") and _resubmitted(request, form):
            return redirect("immigration:sponsor_applied")
    return render(request, "immigration/sponsors/apply.html", {"form": form})


@login_not_required
@never_cache  # shows the contact's e-mail address
def applied(request: HttpRequest) -> HttpResponse:
    submitted = request.session.get(SUBMITTED_SESSION_KEY) or {}
    return render(request, "immigration/sponsors/applied.html", {"submitted": submitted})


# --- the immigration office -----------------------------------------------------------------------


def sponsors(request: HttpRequest) -> HttpResponse:
    province = access.office_province_or_403(request.user)
    scoped = access.sponsors_for(request.user)
    pending = scoped.filter(status=SponsorStatus.PENDING).order_by("applied_at", "id")
    decided = (
        scoped.exclude(status=SponsorStatus.PENDING)
        .filter(decided_at__gte=timezone.now() - RECENTLY_DECIDED)
        .select_related("decided_by")
        .order_by("-decided_at", "-id")[:50]
    )
    return render(
        request,
        "immigration/sponsors/sponsors.html",
        {"province": province, "pending": pending, "decided": decided},
    )


def _detail(request: HttpRequest, sponsor, form: SponsorRefusalForm, status: int = 200):
    return render(
        request,
        "immigration/sponsors/sponsor.html",
        {
            "sponsor": sponsor,
            "refusal_form": form,
            "accounts": sponsor.staff.select_related("user").order_by("created_at"),
            "issued": request.session.pop(ISSUED_LINK_SESSION_KEY, None),
        },
        status=status,
    )


@never_cache  # shows a set-password link once, after an approval
def sponsor(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_sponsor_for_user(request.user, pk)
    return _detail(request, obj, SponsorRefusalForm())


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_sponsor_for_user(request.user, pk)
    try:
        approval = services.approve_sponsor(
            sponsor=obj, officer=request.user, base_url=request.build_absolute_uri("/")
        )
    except services.AlreadyDecided:
        messages.warning(request, _("This registration had already been decided."))
        return redirect("immigration:sponsor", pk=obj.pk)
    messages.success(
        request,
        _(
            "%(name)s is approved. The account %(username)s was opened; its set-password link "
            "was e-mailed to %(email)s."
        )
        % {
            "name": approval.sponsor.name,
            "username": approval.account.username,
            "email": approval.account.email,
        },
    )
    request.session[ISSUED_LINK_SESSION_KEY] = {
        "username": approval.account.username,
        "url": approval.url,
    }
    return redirect("immigration:sponsor", pk=obj.pk)


@require_POST
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_sponsor_for_user(request.user, pk)
    form = SponsorRefusalForm(request.POST)
    if not form.is_valid():
        return _detail(request, obj, form, status=400)
    try:
        services.refuse_sponsor(
            sponsor=obj, officer=request.user, reason=form.cleaned_data["reason"]
        )
    except services.AlreadyDecided:
        messages.warning(request, _("This registration had already been decided."))
        return redirect("immigration:sponsor", pk=obj.pk)
    messages.success(
        request,
        _("The registration of %(name)s was refused; its contact was told why by e-mail.")
        % {"name": obj.name},
    )
    return redirect("immigration:sponsors")
