"""The applicant's pages: the list, a new application, its draft (fields and files), its
submission, its withdrawal, its page, and its files."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guests.access import declarations_for
from guests.models import Declaration, DeclarationKind
from luutru.http import is_id
from luutru.models import User

from ..access import Applicant, applicant_or_403, get_application_for_user, get_attachment_for_user
from ..models import FINAL_STATES, WAITING_STATES, Application, Kind, State
from ..services import StaleState
from . import services
from .fields import IDENTITY
from .forms import FILE_FIELDS, ApplicationForm, NewApplicationForm, WithdrawForm


def _stale(request: HttpRequest, application: Application) -> HttpResponse:
    messages.error(
        request, _("Someone else changed this application first: here is what it is now.")
    )
    return redirect("immigration:detail", application.pk)


def _staying_foreigners(applicant: Applicant, user: User):
    """The lodging's foreign guests who have not checked out (none for an organisation)."""
    if applicant.establishment is None:
        return None
    return (
        declarations_for(user)
        .filter(kind=DeclarationKind.FOREIGNER)
        .staying()
        .order_by("full_name", "id")
    )


def _own_application(request: HttpRequest, pk: int) -> tuple[Applicant, Application]:
    """An application of the user's own lodging or organisation: immigration officers get a
    403 here (they have the office's pages), strangers a 404."""
    applicant = applicant_or_403(request.user)
    return applicant, get_application_for_user(request.user, pk)


@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    """The applicant's applications, the last changed first, and a lodging's staying foreign
    guests, each a link to start one."""
    applicant = applicant_or_403(request.user)
    rows = Application.objects.filter(**applicant.scope()).order_by("-updated_at", "-id")[:100]
    guests = _staying_foreigners(applicant, request.user)
    return render(
        request,
        "immigration/apply/applications.html",
        {
            "applicant": applicant,
            "applications": rows,
            "guests": list(guests[:200]) if guests is not None else None,
        },
    )


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Start an application: choose what is asked and, for a lodging, the guest it is for
    (``?declaration=<pk>&kind=<kind>`` comes preset from the guest lists)."""
    applicant = applicant_or_403(request.user)
    guests = _staying_foreigners(applicant, request.user)
    initial = {}
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        initial["kind"] = kind
    raw = request.GET.get("declaration", "")
    chosen: Declaration | None = None
    if raw:
        if guests is None or not is_id(raw):
            raise Http404
        chosen = get_object_or_404(guests, pk=int(raw))
        initial["declaration"] = chosen.pk
    if request.method == "POST":
        form = NewApplicationForm(request.POST, guests=guests)
        if form.is_valid():
            application = services.create_application(
                applicant=applicant,
                by=request.user,
                kind=form.cleaned_data["kind"],
                declaration=form.cleaned_data.get("declaration"),
            )
            messages.success(
                request,
                _("Draft %(reference)s started: fill in what is missing, then submit it.")
                % {"reference": application.reference},
            )
            return redirect("immigration:edit", application.pk)
    else:
        form = NewApplicationForm(initial=initial, guests=guests)
    already = None
    if chosen is not None:
        already = (
            Application.objects.filter(declaration=chosen, **applicant.scope())
            .exclude(state__in=FINAL_STATES)
            .order_by("-updated_at")
            .first()
        )
    return render(
        request,
        "immigration/apply/new.html",
        {"form": form, "chosen": chosen, "guests": guests, "already": already},
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _applicant, application = _own_application(request, pk)
    return render(
        request,
        "immigration/apply/detail.html",
        {
            "application": application,
            "events": list(application.events.select_related("actor")),
            "attachments": list(application.attachments.defer("content")),
            "waiting": application.state in WAITING_STATES,
            # due_at is the midnight that ends the last working day: that day is shown.
            "due_day": (
                timezone.localtime(application.due_at - timedelta(microseconds=1)).date()
                if application.due_at
                else None
            ),
        },
    )


def _not_editable(request: HttpRequest, application: Application) -> HttpResponse:
    messages.error(request, _("This application can no longer be changed."))
    return redirect("immigration:detail", application.pk)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft: save whatever is typed ("Save draft"), or save and submit ("Submit")."""
    _applicant, application = _own_application(request, pk)
    if not application.is_editable:
        return _not_editable(request, application)
    if request.method != "POST":
        return _render_edit(request, application, ApplicationForm(application=application))
    form = ApplicationForm(request.POST, request.FILES, application=application)
    if not form.is_valid():
        return _render_edit(request, application, form, status=200)
    try:
        services.save_draft(
            application=application,
            fields=form.changed_model_fields(),
            files={name: (FILE_FIELDS[name], checked) for name, checked in form.checked.items()},
            by=request.user,
        )
    except StaleState:
        return _stale(request, application)
    if request.POST.get("action") == "submit":
        return _submit(request, application, saved=True)
    messages.success(request, _("Draft saved."))
    return redirect("immigration:edit", application.pk)


@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit what is stored (from the application's page)."""
    _applicant, application = _own_application(request, pk)
    if not application.is_editable:
        return _not_editable(request, application)
    return _submit(request, application)


def _submit(request: HttpRequest, application: Application, *, saved: bool = False) -> HttpResponse:
    """Check everything at once: each missing piece is named at the top and on its field."""
    missing = services.missing_pieces(application)
    if missing:
        if saved:
            messages.info(request, _("Draft saved."))
        # The saved values, bound again, so each missing field carries its error.
        form = _bound_to_stored(application)
        for piece in missing:
            if piece.name in form.fields:
                form.add_error(piece.name, _("Needed to submit."))
        return _render_edit(request, application, form, missing=missing)
    resubmitting = application.state == State.INFO_REQUESTED
    try:
        services.submit(application=application, by=request.user)
    except StaleState:
        return _stale(request, application)
    if resubmitting:
        messages.success(request, _("Sent back to the immigration office."))
    else:
        messages.success(request, _("Submitted to the immigration office."))
    return redirect("immigration:detail", application.pk)


def _bound_to_stored(application: Application) -> ApplicationForm:
    application.refresh_from_db()
    blank = ApplicationForm(application=application)
    data = {}
    for name in blank.fields:
        if name in FILE_FIELDS:
            continue
        value = blank[name].value()
        if value not in (None, ""):
            data[name] = value
    form = ApplicationForm(data, application=application)
    form.is_valid()
    return form


def _render_edit(
    request: HttpRequest,
    application: Application,
    form: ApplicationForm,
    *,
    missing=None,
    status: int = 200,
) -> HttpResponse:
    identity = [form[name] for name in IDENTITY if name in form.fields]
    identity_errors = any(field.errors for field in identity)
    return render(
        request,
        "immigration/apply/edit.html",
        {
            "application": application,
            "form": form,
            "identity": identity,
            # The identity is shown as a summary; its fields open when it is empty or wrong.
            "identity_open": identity_errors or not application.full_name,
            "attachments": list(application.attachments.defer("content")),
            "missing": missing or [],
            "file_fields": [form[name] for name in FILE_FIELDS],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Give up an application that is not decided yet, after a confirmation."""
    _applicant, application = _own_application(request, pk)
    if application.is_final:
        messages.error(request, _("This application is closed: it cannot be withdrawn."))
        return redirect("immigration:detail", application.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(application=application, by=request.user)
        except StaleState:
            return _stale(request, application)
        messages.success(request, _("The application was withdrawn."))
        return redirect("immigration:detail", application.pk)
    return render(
        request, "immigration/apply/withdraw.html", {"application": application, "form": form}
    )


@require_GET
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A file, for the applicant and the province's immigration officers: always a download,
    in the type it was checked to be."""
    stored = get_attachment_for_user(request.user, pk)
    response = HttpResponse(stored.content, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(True, stored.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Length"] = str(stored.size)
    return response


@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    applicant_or_403(request.user)
    stored = get_attachment_for_user(request.user, pk)
    application = stored.application
    try:
        services.delete_attachment(attachment=stored, by=request.user)
    except StaleState:
        return _not_editable(request, application)
    messages.success(request, _("%(name)s was deleted.") % {"name": stored.name})
    return redirect("immigration:edit", application.pk)
