from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guests.register.queries import history

from ..access import get_establishment_for_user, officer_ward_or_403
from ..models import Flag
from . import queries as b
from .forms import BoardDayForm, InspectionForm
from .services import record_inspection


def board(request: HttpRequest) -> HttpResponse:
    ward = officer_ward_or_403(request.user)
    now = timezone.now()
    day = b.board_default_day(at=now)
    form = BoardDayForm(request.GET or None, initial={"day": day})
    if form.is_valid() and form.cleaned_data["day"]:
        day = form.cleaned_data["day"]
    sort = b.SORTING.clean(request.GET.get("sort"))
    rows = list(b.board(ward, day=day, sort=sort))
    return render(
        request,
        "wards/board.html",
        {
            "ward": ward,
            "form": form,
            "day": day,
            "rows": rows,
            "sort": sort,
            "sorts": b.SORTING.links(sort),
            "sort_menu": b.SORT_MENU,
            "missing": sum(1 for r in rows if r.owes and not r.closed),
        },
    )


def _establishment_page(request: HttpRequest, pk: int, form: InspectionForm) -> HttpResponse:
    establishment = get_establishment_for_user(request.user, pk)
    now = timezone.now()
    return render(
        request,
        "wards/establishment.html",
        {
            "establishment": establishment,
            "history": history(establishment, at=now, days=b.HISTORY_DAYS),
            "summary": b.summarize_declarations(establishment, at=now),
            "staff": b.staff_of(establishment),
            "flags": Flag.objects.open()
            .filter(establishment=establishment)
            .select_related("declaration")
            .order_by("-raised_at", "-id"),
            "inspections": establishment.inspections.select_related("officer"),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


def establishment(request: HttpRequest, pk: int) -> HttpResponse:
    return _establishment_page(request, pk, InspectionForm())


@require_POST
def inspection_new(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = get_establishment_for_user(request.user, pk)
    form = InspectionForm(request.POST)
    if not form.is_valid():
        return _establishment_page(request, pk, form)
    record_inspection(
        establishment=establishment,
        officer=request.user,
        date=form.cleaned_data["date"],
        findings=form.cleaned_data["findings"],
        at=timezone.now(),
    )
    messages.success(request, _("The inspection was recorded."))
    return redirect("wards:establishment", pk=establishment.pk)
