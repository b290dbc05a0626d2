"""The review inbox from a phone, the officer's view of one declaration, and beats."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from establishments.models import Establishment
from guests.history import record_of
from guests.models import Declaration, ReviewStatus
from guests.services import ReviewConflict, confirm_declaration, return_declaration
from luutru.http import is_id, safe_path
from luutru.models import Beat, Officer, Role, Ward

from ..access import (
    commanded_ward_or_403,
    declarations_of_ward_or_404,
    get_declaration_of_ward_or_404,
    officer_ward_or_403,
)
from ..models import AccessAction
from ..services import log_access
from . import queries as inbox
from .forms import BeatAssignForm, BeatForm, InboxFilterForm, ReturnForm
from .services import assign_beat, create_beat


def inbox_view(request: HttpRequest) -> HttpResponse:
    ward = officer_ward_or_403(request.user)
    beat = inbox.beat_of(request.user)
    whole_ward = beat is None or request.GET.get("scope") == "ward"
    form = InboxFilterForm(request.GET or None, ward=ward)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = inbox.pending_in(
        ward,
        beat=None if whole_ward else beat,
        establishment=filters.get("establishment"),
        kind=filters.get("kind", ""),
    )
    after = inbox.Cursor.decode(request.GET.get("after", ""))
    page = inbox.page_of(queryset, after=after)
    next_query = None
    if page.next_cursor is not None:
        params = request.GET.copy()
        params["after"] = page.next_cursor.encode()
        next_query = params.urlencode()
    first_query = request.GET.copy()
    first_query.pop("after", None)
    rows = list(page.rows)
    # After a confirmation the page comes back at the card that followed (or, for the last
    # one, the card before), not at the top of a long list.
    for i, row in enumerate(rows):
        following = rows[i + 1] if i + 1 < len(rows) else rows[i - 1] if i else None
        row.anchor_after = following.pk if following else None
    return render(
        request,
        "wards/inbox.html",
        {
            "ward": ward,
            "beat": beat,
            "whole_ward": whole_ward,
            "form": form,
            # Options written out by the template: the widget's per-option sub-templates
            # cost more than the whole rest of the page in a ward of a hundred lodgings.
            "establishments": form.fields["establishment"].queryset,
            "rows": rows,
            "next_query": next_query,
            "first_query": first_query.urlencode() if after is not None else None,
            "here": request.get_full_path(),
            "here_quoted": quote(request.get_full_path(), safe=""),
        },
    )


def _inbox_path(request: HttpRequest, target: str) -> str | None:
    """``target`` if it is this site's inbox (with its filter and page), else None."""
    target = safe_path(request, target)
    if target is not None and urlsplit(target).path == reverse("wards:inbox"):
        return target
    return None


def _back(request: HttpRequest, *, anchor: str = "") -> str:
    """Where to go after a decision: back to the inbox page the officer came from, with its
    filter, at the card named by ``anchor`` (a declaration id) if any."""
    target = _inbox_path(request, request.POST.get("next", "")) or reverse("wards:inbox")
    target = target.split("#", 1)[0]
    if is_id(anchor):
        target += f"#declaration-{int(anchor)}"
    return target


@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    ward = officer_ward_or_403(request.user)
    declaration = get_declaration_of_ward_or_404(ward, pk)
    version = request.POST.get("version", "")
    try:
        confirm_declaration(
            declaration=declaration,
            officer=request.user,
            version_number=int(version) if is_id(version) else None,
        )
    except ReviewConflict:
        messages.warning(
            request,
            _("%(name)s was already decided or has changed since: nothing was done.")
            % {"name": declaration.full_name},
        )
    else:
        messages.success(request, _("%(name)s confirmed.") % {"name": declaration.full_name})
    return redirect(_back(request, anchor=request.POST.get("anchor", "")))


@require_POST
def bulk_confirm(request: HttpRequest) -> HttpResponse:
    ward = officer_ward_or_403(request.user)
    ids = request.POST.getlist("ids")
    if not ids:
        messages.error(request, _("Select the declarations to confirm."))
        return redirect(_back(request))
    if not all(is_id(value) for value in ids):
        raise Http404
    declarations = declarations_of_ward_or_404(ward, map(int, ids))
    confirmed = decided = 0
    for declaration in declarations:
        try:
            confirm_declaration(declaration=declaration, officer=request.user)
        except ReviewConflict:
            decided += 1
        else:
            confirmed += 1
    messages.success(
        request,
        _("%(confirmed)d confirmed, %(decided)d already decided.")
        % {"confirmed": confirmed, "decided": decided},
    )
    return redirect(_back(request))


def _declaration_page(
    request: HttpRequest,
    ward: Ward,
    declaration: Declaration,
    return_form: ReturnForm,
    *,
    back: str | None = None,
) -> HttpResponse:
    log_access(request, ward=ward, action=AccessAction.VIEW, declaration=declaration)
    record = record_of(declaration)
    current = max((v.number for v in record.versions), default=0)
    if not return_form.is_bound:
        return_form.initial["version"] = current
    establishment = declaration.establishment
    return render(
        request,
        "wards/declaration.html",
        {
            "ward": ward,
            "declaration": declaration,
            "establishment": establishment,
            "application": establishment.application,
            "owners": [
                staff.user
                for staff in establishment.staff.filter(user__role=Role.OWNER).select_related(
                    "user"
                )
            ],
            "history": record.entries,
            "current_version": current,
            "pending": declaration.review_status == ReviewStatus.PENDING,
            "return_form": return_form,
            "warnings": declaration.warnings(),
            "back": back or reverse("wards:inbox"),
        },
        status=400 if return_form.is_bound else 200,
    )


def declaration_view(request: HttpRequest, pk: int) -> HttpResponse:
    ward = officer_ward_or_403(request.user)
    declaration = get_declaration_of_ward_or_404(ward, pk)
    return _declaration_page(
        request,
        ward,
        declaration,
        ReturnForm(),
        back=_inbox_path(request, request.GET.get("next", "")),
    )


@require_POST
def return_view(request: HttpRequest, pk: int) -> HttpResponse:
    ward = officer_ward_or_403(request.user)
    declaration = get_declaration_of_ward_or_404(ward, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        back = _inbox_path(request, request.POST.get("next", ""))
        return _declaration_page(request, ward, declaration, form, back=back)
    try:
        return_declaration(
            declaration=declaration,
            officer=request.user,
            reason=form.cleaned_data["reason"],
            version_number=form.cleaned_data.get("version"),
        )
    except ReviewConflict:
        messages.warning(
            request,
            _("%(name)s was already decided or has changed since: nothing was done.")
            % {"name": declaration.full_name},
        )
        return redirect("wards:declaration", pk=declaration.pk)
    messages.success(
        request,
        _("%(name)s was returned to the establishment for correction.")
        % {"name": declaration.full_name},
    )
    return redirect(_back(request))


# --- beats (commander) --------------------------------------------------------------------------


def beats(request: HttpRequest) -> HttpResponse:
    ward = commanded_ward_or_403(request.user)
    form = BeatForm(request.POST or None, ward=ward)
    if request.method == "POST" and form.is_valid():
        beat = create_beat(ward=ward, name=form.cleaned_data["name"])
        messages.success(request, _("Beat “%(name)s” created.") % {"name": beat.name})
        return redirect(reverse("wards:beats") + f"#beat-{beat.pk}")
    return _beats_page(request, ward, form=form)


def _beats_page(
    request: HttpRequest,
    ward: Ward,
    *,
    form: BeatForm,
    invalid: tuple[int, BeatAssignForm] | None = None,
) -> HttpResponse:
    ward_beats = list(
        Beat.objects.filter(ward=ward).prefetch_related("establishments", "officers__user")
    )
    for beat in ward_beats:
        if invalid and invalid[0] == beat.pk:
            beat.form = invalid[1]
        else:
            beat.form = BeatAssignForm(
                ward=ward,
                initial={
                    "establishments": list(beat.establishments.all()),
                    "officers": list(beat.officers.all()),
                },
            )
    bad = form.is_bound and not form.is_valid() or invalid is not None
    return render(
        request,
        "wards/inbox_beats.html",
        {"ward": ward, "beats": ward_beats, "form": form},
        status=400 if bad else 200,
    )


@require_POST
def beat_assign(request: HttpRequest, pk: int) -> HttpResponse:
    ward = commanded_ward_or_403(request.user)
    beat = get_object_or_404(Beat, ward=ward, pk=pk)
    form = BeatAssignForm(request.POST, ward=ward)
    if not form.is_valid():
        # A stranger's establishment or officer is not among the choices: the form refuses
        # it, nothing is changed.
        if _foreign_ids(request, ward):
            raise Http404
        return _beats_page(request, ward, form=BeatForm(ward=ward), invalid=(beat.pk, form))
    assign_beat(
        beat=beat,
        establishments=form.cleaned_data["establishments"],
        officers=form.cleaned_data["officers"],
    )
    messages.success(request, _("Beat “%(name)s” saved.") % {"name": beat.name})
    return redirect(reverse("wards:beats") + f"#beat-{beat.pk}")


def _foreign_ids(request: HttpRequest, ward: Ward) -> bool:
    def ids(name: str) -> set[int]:
        return {int(v) for v in request.POST.getlist(name) if is_id(v)}

    establishments = ids("establishments")
    officers = ids("officers")
    return Establishment.objects.filter(pk__in=establishments).exclude(ward=ward).exists() or (
        Officer.objects.filter(pk__in=officers).exclude(ward=ward).exists()
    )
