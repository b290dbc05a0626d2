from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from luutru import directory
from luutru.accounts import reset_second_factor
from luutru.models import Role

from . import access, services
from .forms import (
    ApplicationForm,
    ReceptionistForm,
    ReceptionistTwoFactorForm,
    RefusalForm,
    duplicate_error,
)
from .models import ApplicationStatus, Staff

# What the confirmation page shows, and how a double-submitted page is recognised.
SUBMITTED_SESSION_KEY = "establishments:submitted"
# A set-password link to show the owner once, for an account without an e-mail address.
ISSUED_LINK_SESSION_KEY = "establishments:issued_link"
RECENTLY_DECIDED = timedelta(days=30)


# --- confirmation of one-tap actions that cannot be undone ---------------------------------------


def _confirmed(request: HttpRequest) -> bool:
    """Whether this post comes from the confirmation page: the buttons on the lists post
    without it and are shown that page first, so a mis-tap changes nothing."""
    return request.POST.get("confirmed") == "yes"


def _confirm_page(
    request: HttpRequest, *, title: str, question: str, button: str, cancel: str
) -> HttpResponse:
    return render(
        request,
        "establishments/confirm.html",
        {
            "title": title,
            "question": question,
            "button": button,
            "action": request.path,
            "cancel": cancel,
        },
    )


# --- registration (public) -----------------------------------------------------------------------


def _resubmitted(request: HttpRequest, form: ApplicationForm) -> bool:
    submitted = request.session.get(SUBMITTED_SESSION_KEY) or {}
    token = form.data.get("submission")
    return bool(token) and submitted.get("submission") == token


@login_not_required
@never_cache  # shown again with the owner's name, phone and e-mail; often a shared computer
def apply(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "find_ward" in request.POST:
        return _find_ward(request)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                application = services.submit_application(data=form.cleaned_data)
            except services.DuplicateApplication:
                form.add_error(None, duplicate_error())
            else:
                request.session[SUBMITTED_SESSION_KEY] = {
                    "submission": form.cleaned_data["submission"],
                    "name": application.name,
                    "email": application.owner_email,
                    "ward": str(application.ward),
                }
                return redirect("establishments:applied")
        if form.has_error(NON_FIELD_ERRORS, "duplicate") and _resubmitted(request, form):
            # The same page sent twice: the first one went through.
            return redirect("establishments:applied")
    return render(request, "establishments/apply.html", {"form": form})


def _find_ward(request: HttpRequest) -> HttpResponse:
    """The form again as typed, its ward list filled with the wards matching the search: the
    ward search without JavaScript. Nothing is checked or sent yet."""
    data = request.POST.dict()
    found = directory.search(data.get("ward_search", ""))
    exact = [match for match in found.matches if match.exact]
    if len(exact) == 1:
        data["ward"] = str(exact[0].pk)
    form = ApplicationForm(initial=data)
    form.fields["ward"].widget.found = found.matches
    return render(request, "establishments/apply.html", {"form": form, "found": found})


@login_not_required
@require_GET
def ward_search(request: HttpRequest) -> JsonResponse:
    """The wards matching ``q``, best first (wards.directory): public, as the form is, and the
    same for everyone, so shared caches may keep it."""
    found = directory.search(request.GET.get("q", ""))
    response = JsonResponse(
        {
            "count": found.count,
            "closest": found.closest,
            "results": [
                {
                    "id": match.pk,
                    "name": match.name,
                    "province": match.province,
                    "label": match.label,
                    "exact": match.exact,
                }
                for match in found.matches
            ],
        }
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_not_required
@never_cache  # shows the owner's e-mail address
def applied(request: HttpRequest) -> HttpResponse:
    submitted = request.session.get(SUBMITTED_SESSION_KEY) or {}
    return render(request, "establishments/applied.html", {"submitted": submitted})


# --- the ward police ----------------------------------------------------------------------------


def applications(request: HttpRequest) -> HttpResponse:
    ward = access.officer_ward(request.user)
    scoped = access.applications_for(request.user)
    pending = scoped.filter(status=ApplicationStatus.PENDING).order_by("submitted_at")
    decided = (
        scoped.exclude(status=ApplicationStatus.PENDING)
        .filter(decided_at__gte=timezone.now() - RECENTLY_DECIDED)
        .order_by("-decided_at")[:20]
    )
    return render(
        request,
        "establishments/applications.html",
        {"ward": ward, "pending": pending, "decided": decided},
    )


def application(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_application_for_user(request.user, pk)
    return render(
        request,
        "establishments/application.html",
        {"application": obj, "refusal_form": RefusalForm()},
    )


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_application_for_user(request.user, pk)
    if not _confirmed(request):
        return _confirm_page(
            request,
            title=_("Approve the application"),
            question=_(
                "Approve %(name)s? It is registered with a code and the owner's and front "
                "desk's accounts are opened at once."
            )
            % {"name": obj.name},
            button=_("Approve and issue the accounts"),
            cancel=reverse("establishments:application", args=[obj.pk]),
        )
    try:
        approval = services.approve_application(
            application=obj, officer=request.user, base_url=request.build_absolute_uri("/")
        )
    except services.AlreadyDecided:
        messages.warning(request, _("This application had already been decided."))
        return redirect("establishments:application", pk=obj.pk)
    messages.success(
        request,
        _(
            "%(name)s is registered with code %(code)s. Accounts %(owner)s (owner) and "
            "%(desk)s (front desk) were opened; their set-password links were e-mailed to "
            "%(email)s."
        )
        % {
            "name": approval.establishment.name,
            "code": approval.establishment.code,
            "owner": approval.owner.username,
            "desk": approval.receptionist.username,
            "email": approval.owner.email,
        },
    )
    return redirect("establishments:applications")


@require_POST
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.get_application_for_user(request.user, pk)
    form = RefusalForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "establishments/application.html",
            {"application": obj, "refusal_form": form},
            status=400,
        )
    try:
        services.refuse_application(
            application=obj, officer=request.user, reason=form.cleaned_data["reason"]
        )
    except services.AlreadyDecided:
        messages.warning(request, _("This application had already been decided."))
        return redirect("establishments:application", pk=obj.pk)
    messages.success(
        request,
        _("The application of %(name)s was refused; the applicant was told why by e-mail.")
        % {"name": obj.name},
    )
    return redirect("establishments:applications")


# --- the establishment --------------------------------------------------------------------------


def desk(request: HttpRequest) -> HttpResponse:
    """The front desk's old address, kept for bookmarks and home-screen icons: the desk is
    guests:desk now. Refused to whoever the desk refuses, so it tells nothing more."""
    access.establishment_for(request.user)
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(reverse("guests:desk") + (f"?{query}" if query else ""))


def owner_home(request: HttpRequest) -> HttpResponse:
    establishment = access.owned_establishment(request.user)
    return render(request, "establishments/owner_home.html", {"establishment": establishment})


def _staff_page(
    request: HttpRequest,
    *,
    add_form: ReceptionistForm | None = None,
    status: int = 200,
) -> HttpResponse:
    establishment = access.owned_establishment(request.user)
    members = access.staff_for(request.user).annotate(
        has_second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True))
    )
    return render(
        request,
        "establishments/staff.html",
        {
            "establishment": establishment,
            "members": members,
            "add_form": add_form or ReceptionistForm(),
            "two_factor_form": ReceptionistTwoFactorForm(
                initial={"receptionist_2fa_required": establishment.receptionist_2fa_required}
            ),
            "issued_link": request.session.pop(ISSUED_LINK_SESSION_KEY, None),
        },
        status=status,
    )


def staff(request: HttpRequest) -> HttpResponse:
    return _staff_page(request)


def _show_link_once(request: HttpRequest, issued: services.IssuedLink) -> None:
    if issued.url is None:
        messages.success(
            request,
            _("A set-password link for %(username)s was e-mailed to %(email)s.")
            % {"username": issued.user.username, "email": issued.user.email},
        )
    else:
        request.session[ISSUED_LINK_SESSION_KEY] = {
            "username": issued.user.username,
            "url": issued.url,
        }


@require_POST
def staff_add(request: HttpRequest) -> HttpResponse:
    establishment = access.owned_establishment(request.user)
    form = ReceptionistForm(request.POST)
    if not form.is_valid():
        return _staff_page(request, add_form=form, status=400)
    issued = services.add_receptionist(
        establishment=establishment,
        owner=request.user,
        base_url=request.build_absolute_uri("/"),
        **form.cleaned_data,
    )
    messages.success(
        request, _("The account %(username)s was opened.") % {"username": issued.user.username}
    )
    _show_link_once(request, issued)
    return redirect("establishments:staff")


def _receptionist(request: HttpRequest, pk: int) -> Staff:
    member = access.get_staff_for_user(request.user, pk)
    # Owners are managed by the police, not by each other (nor by themselves).
    if member.user.role != Role.RECEPTIONIST:
        raise PermissionDenied
    return member


@require_POST
def staff_disable(request: HttpRequest, pk: int) -> HttpResponse:
    member = _receptionist(request, pk)
    if not _confirmed(request):
        return _confirm_page(
            request,
            title=_("Disable the account"),
            question=_("Disable %(username)s? They are logged out at once and cannot log in.")
            % {"username": member.user.username},
            button=_("Disable"),
            cancel=reverse("establishments:staff"),
        )
    services.disable_account(user=member.user)
    messages.success(
        request,
        _("%(username)s is disabled and has been logged out.") % {"username": member.user.username},
    )
    return redirect("establishments:staff")


@require_POST
def staff_enable(request: HttpRequest, pk: int) -> HttpResponse:
    member = _receptionist(request, pk)
    services.enable_account(user=member.user)
    messages.success(
        request, _("%(username)s can log in again.") % {"username": member.user.username}
    )
    return redirect("establishments:staff")


@require_POST
def staff_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    member = _receptionist(request, pk)
    issued = services.reset_password(
        user=member.user, owner=request.user, base_url=request.build_absolute_uri("/")
    )
    messages.success(
        request,
        _("The password of %(username)s was removed.") % {"username": member.user.username},
    )
    _show_link_once(request, issued)
    return redirect("establishments:staff")


@require_POST
def staff_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    member = _receptionist(request, pk)
    if not _confirmed(request):
        return _confirm_page(
            request,
            title=_("Reset two-factor"),
            question=_(
                "Reset the two-factor authentication of %(username)s? Their authenticator "
                "stops working and they set it up again at their next login."
            )
            % {"username": member.user.username},
            button=_("Reset two-factor"),
            cancel=reverse("establishments:staff"),
        )
    reset_second_factor(user=member.user)
    messages.success(
        request,
        _(
            "The two-factor authentication of %(username)s was reset: they set it up again "
            "at their next login."
        )
        % {"username": member.user.username},
    )
    return redirect("establishments:staff")


@require_POST
def staff_two_factor(request: HttpRequest) -> HttpResponse:
    establishment = access.owned_establishment(request.user)
    form = ReceptionistTwoFactorForm(request.POST)
    form.is_valid()  # a checkbox: always valid
    required = form.cleaned_data["receptionist_2fa_required"]
    services.set_receptionist_2fa_required(establishment=establishment, required=required)
    if required:
        messages.success(request, _("Receptionists must now use two-factor authentication."))
    else:
        messages.success(request, _("Receptionists now log in with their password alone."))
    return redirect("establishments:staff")
