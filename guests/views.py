from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from establishments.models import Establishment
from luutru.formats import show_datetime
from luutru.http import is_id

from . import access, services
from .forms import (
    GUEST_FORMS,
    MAX_GUESTS,
    CheckOutForm,
    CitizenFormSet,
    CorrectionStayForm,
    ForeignerFormSet,
    GuestForm,
    GuestFormSet,
    StayForm,
    already_staying_error,
    check_entry_dates,
    guest_initial,
    quiet,
)
from .history import record_of
from .models import (
    STAY_FIELDS,
    Declaration,
    DeclarationKind,
    ReviewAction,
    ReviewEvent,
    ReviewStatus,
)

PREFIX = "guest"
FORMSETS: dict[str, type[GuestFormSet]] = {
    DeclarationKind.FOREIGNER: ForeignerFormSet,
    DeclarationKind.CITIZEN: CitizenFormSet,
}
FILE_URLS = {
    DeclarationKind.FOREIGNER: "guests:file_foreigner",
    DeclarationKind.CITIZEN: "guests:file_citizen",
}


# --- the front desk -----------------------------------------------------------------------------


CURRENT_GUESTS_PAGE_SIZE = 100


def desk(request: HttpRequest) -> HttpResponse:
    """The establishment's home page: who is staying now. Receptionists check guests out from
    here; owners read it."""
    establishment = access.establishment_of(request.user)
    staying = access.declarations_for(request.user).staying().order_by("room", "arrival", "id")
    room = request.GET.get("room", "").strip()
    if "\x00" in room:
        return HttpResponseBadRequest()  # no room has one, and PostgreSQL refuses it
    if room:
        staying = staying.filter(room__iexact=room)
    # A large hotel, or a big CSV upload, can have thousands staying: one page at a time.
    page = Paginator(staying, CURRENT_GUESTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "guests/desk.html",
        {
            "establishment": establishment,
            "staying": page.object_list,
            "page": page,
            "room": room,
            "returned": access.returned_for(request.user),
            "can_file": access.can_file(request.user),
            "now": timezone.now(),
        },
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = access.get_declaration_for_user(request.user, pk)
    record = record_of(declaration)
    can_file = access.can_file(request.user)
    return render(
        request,
        "guests/detail.html",
        {
            "declaration": declaration,
            "versions": record.versions,
            "history": record.entries,
            "last_return": _last_return(declaration, record.reviews),
            "warnings": declaration.warnings(),
            "can_file": can_file,
            "can_correct": can_file and services.correction_open(declaration, at=timezone.now()),
        },
    )


def _last_return(declaration: Declaration, reviews: list[ReviewEvent]) -> ReviewEvent | None:
    """The return the front desk has to answer, if the declaration is returned now."""
    if declaration.review_status != ReviewStatus.RETURNED:
        return None
    returns = [r for r in reviews if r.action == ReviewAction.RETURNED]
    return returns[-1] if returns else None


# --- corrections --------------------------------------------------------------------------------


def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct one declaration: a new version, the earlier ones kept (see
    services.correct_declaration)."""
    declaration = access.get_declaration_to_correct(request.user, pk)
    detail_url = reverse("guests:detail", args=[declaration.pk])
    if not services.correction_open(declaration, at=timezone.now()):
        messages.error(request, _("This declaration can no longer be corrected."))
        return redirect(detail_url)
    form_class = GUEST_FORMS[declaration.kind]
    form_kwargs = {"establishment": declaration.establishment, "declaration": declaration}
    status = 200

    if request.method != "POST":
        guest = form_class(initial=guest_initial(declaration), **form_kwargs)
        stay = CorrectionStayForm(declaration=declaration)
        _focus(guest, "full_name")
        return _render_correct(request, declaration, guest, stay, status)

    guest = form_class(request.POST, **form_kwargs)
    stay = CorrectionStayForm(request.POST, declaration=declaration)
    action = request.POST.get("action", "correct")
    if action == "mrz" and declaration.kind == DeclarationKind.FOREIGNER:
        zone = guest.fill_from_mrz()
        quiet(stay)
        _focus(guest, guest.field_after_mrz(zone, then="full_name"))
    elif guest.is_valid() and stay.is_valid() and check_entry_dates([guest], stay):
        was_returned = declaration.review_status == ReviewStatus.RETURNED
        data = {**guest.guest_data(), **{name: stay.cleaned_data[name] for name in STAY_FIELDS}}
        try:
            version = services.correct_declaration(
                declaration=declaration, corrected_by=request.user, data=data
            )
        except services.DocumentAlreadyStaying:
            guest.add_error("document_number", already_staying_error())
            status = 400
        except services.CorrectionClosed:
            messages.error(request, _("This declaration can no longer be corrected."))
            return redirect(detail_url)
        else:
            if version is None:
                messages.info(request, _("Nothing was changed: no new version was made."))
            elif was_returned:
                messages.success(
                    request,
                    _("Version %(number)d saved and sent back to the police for review.")
                    % {"number": version.number},
                )
            else:
                messages.success(
                    request, _("Version %(number)d saved.") % {"number": version.number}
                )
            return redirect(detail_url)
    else:
        status = 400
    return _render_correct(request, declaration, guest, stay, status)


def _render_correct(
    request: HttpRequest,
    declaration: Declaration,
    guest: GuestForm,
    stay: CorrectionStayForm,
    status: int,
) -> HttpResponse:
    reviews = list(declaration.reviews.select_related("by"))
    return render(
        request,
        "guests/correct.html",
        {
            "declaration": declaration,
            "guest": guest,
            "stay": stay,
            "last_return": _last_return(declaration, reviews),
            "kind": declaration.kind,
        },
        status=status,
    )


@require_POST
def check_out(request: HttpRequest) -> HttpResponse:
    """Two steps: the desk's buttons post the guests here, which shows them with the departure
    time to confirm (now by default); only that page's post, with the time, checks them out."""
    access.desk_establishment(request.user)
    scoped = access.declarations_for(request.user)
    room = request.POST.get("room", "").strip()
    if "\x00" in room:
        return HttpResponseBadRequest()  # no room has one, and PostgreSQL refuses it
    if room:
        targets = list(scoped.staying().filter(room=room))
    else:
        values = request.POST.getlist("declaration")
        if not all(is_id(value) for value in values):
            return HttpResponseBadRequest()
        ids = {int(value) for value in values}
        targets = access.get_declarations_for_user(request.user, ids)
    if not targets:
        messages.warning(request, _("Select the guests who are leaving."))
        return redirect("guests:desk")
    leaving = [d for d in targets if d.departed_at is None]
    if not leaving:
        messages.info(request, _("These guests had already checked out."))
        return redirect("guests:desk")
    form = CheckOutForm(
        request.POST if "departed_at" in request.POST else None,
        latest_arrival=max(d.arrival for d in leaving),
    )
    if not form.is_valid():
        return render(
            request,
            "guests/check_out.html",
            {"leaving": leaving, "room": room, "form": form},
            status=400 if form.is_bound else 200,
        )
    at = form.cleaned_data["departed_at"]
    count = services.check_out(declarations=leaving, at=at, by=request.user)
    if count == len(leaving):
        when = show_datetime(at)
        if count == 1:
            messages.success(
                request,
                _("Checked out: %(name)s, room %(room)s, %(time)s")
                % {"name": leaving[0].full_name, "room": leaving[0].room, "time": when},
            )
        else:
            guests = "; ".join(
                _("%(name)s, room %(room)s") % {"name": d.full_name, "room": d.room}
                for d in leaving
            )
            messages.success(
                request, _("Checked out at %(time)s: %(guests)s") % {"time": when, "guests": guests}
            )
    elif count:
        messages.success(
            request,
            ngettext("%(count)d guest checked out.", "%(count)d guests checked out.", count)
            % {"count": count},
        )
    else:
        messages.info(request, _("These guests had already checked out."))
    return redirect("guests:desk")


# --- filing -------------------------------------------------------------------------------------


def file_foreigner(request: HttpRequest) -> HttpResponse:
    return _file(request, DeclarationKind.FOREIGNER)


def file_citizen(request: HttpRequest) -> HttpResponse:
    return _file(request, DeclarationKind.CITIZEN)


def _focus(form: forms.BaseForm, name: str) -> None:
    form.fields[name].widget.attrs["autofocus"] = True


def _quiet_formset(formset: GuestFormSet) -> None:
    for form in formset.forms:
        if not form._errors:  # not validated, or filled from its MRZ without a word to say
            quiet(form)
    formset._errors = [form.errors for form in formset.forms]
    formset._non_form_errors = formset.error_class()


def _already_filed(establishment: Establishment, raw_key: str) -> bool:
    try:
        key = uuid.UUID(raw_key)
    except ValueError:
        return False
    return services.filed_with(establishment=establishment, submission_key=key)


def _file(request: HttpRequest, kind: DeclarationKind) -> HttpResponse:
    establishment = access.desk_establishment(request.user)
    formset_class = FORMSETS[kind]
    form_kwargs = {"establishment": establishment}
    first_field = "mrz" if kind == DeclarationKind.FOREIGNER else "full_name"
    status = 200
    warnings: list[str] = []

    if request.method != "POST":
        stay = StayForm()
        formset = formset_class(prefix=PREFIX, form_kwargs=form_kwargs)
        _focus(formset.forms[0], first_field)
        return _render(request, kind, stay, formset, warnings, status)

    action = request.POST.get("action", "file")
    data = request.POST.copy()
    if action == "add":
        try:
            total = int(data.get(f"{PREFIX}-TOTAL_FORMS") or 1)
        except ValueError:
            return HttpResponseBadRequest()
        data[f"{PREFIX}-TOTAL_FORMS"] = str(min(total + 1, MAX_GUESTS))
    stay = StayForm(data)
    formset = formset_class(data, prefix=PREFIX, form_kwargs=form_kwargs)
    if action == "file" and _already_filed(establishment, data.get("submission_key", "")):
        # The same page sent again (double click, retry, back and submit): the first one
        # went through, and its guests would now fail as "already staying".
        messages.info(request, _("This form had already been filed."))
        return redirect(FILE_URLS[kind])

    if action == "add":
        quiet(stay)
        _quiet_formset(formset)
        if formset.forms:
            _focus(formset.forms[-1], first_field)
    elif action.startswith("mrz-") and kind == DeclarationKind.FOREIGNER:
        try:
            form = formset.forms[int(action.removeprefix("mrz-"))]
        except (ValueError, IndexError):
            return HttpResponseBadRequest()
        zone = form.fill_from_mrz()
        quiet(stay)
        _quiet_formset(formset)
        _focus(form, form.field_after_mrz(zone, then="visa_number"))
    elif stay.is_valid() and formset.is_valid() and check_entry_dates(formset.filled_forms(), stay):
        guest_forms = formset.filled_forms()
        try:
            declarations = services.file_declarations(
                establishment=establishment,
                filed_by=request.user,
                kind=kind,
                guests=[form.guest_data() for form in guest_forms],
                stay={name: stay.cleaned_data[name] for name in STAY_FIELDS},
                submission_key=stay.cleaned_data["submission_key"],
                # Looked up above, before the forms were validated.
                checked_unfiled=action == "file",
            )
        except services.DocumentAlreadyStaying as e:
            for index in e.indices:
                guest_forms[index].add_error("document_number", already_staying_error())
            status = 400
        else:
            for warning in formset.warnings(stay):
                messages.warning(request, warning)
            messages.success(request, _filed_message(declarations))
            return redirect(FILE_URLS[kind])
    else:
        status = 400
        warnings = formset.warnings(stay)
    return _render(request, kind, stay, formset, warnings, status)


def _filed_message(declarations: list[Declaration]) -> str:
    """The confirmation of a filing; a late one says so, with the deadline it missed (in the
    lodging's time: the guests of one filing share the stay, so the deadline)."""
    values = {
        "names": ", ".join(d.full_name for d in declarations),
        "room": declarations[0].room,
    }
    late = [d for d in declarations if d.late]
    if not late:
        return _("Filed: %(names)s, room %(room)s.") % values
    deadline = show_datetime(late[0].deadline)
    return _("Filed late: %(names)s, room %(room)s. The deadline was %(deadline)s.") % {
        **values,
        "deadline": deadline,
    }


def _render(
    request: HttpRequest,
    kind: DeclarationKind,
    stay: StayForm,
    formset: GuestFormSet,
    warnings: list[str],
    status: int,
) -> HttpResponse:
    return render(
        request,
        "guests/file.html",
        {
            "kind": kind,
            "stay": stay,
            "formset": formset,
            "warnings": warnings,
            "action_url": reverse(FILE_URLS[kind]),
            "can_add": len(formset.forms) < MAX_GUESTS,
        },
        status=status,
    )
