"""The daily register: the day's page with its closing button, and the last 30 days."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from establishments.models import Establishment
from luutru.formats import show_date

from .. import access
from ..deadlines import local_day
from . import days, queries, services
from .forms import DayForm


def _register_url(day: date) -> str:
    return f"{reverse('guests:register')}?day={day.isoformat()}"


def _render_day(
    request: HttpRequest, establishment: Establishment, day: date, form: DayForm
) -> HttpResponse:
    now = timezone.now()
    summary = queries.summarize_day(establishment, day)
    state = days.day_state(day, at=now, closed=summary.closing is not None)
    refusal = days.refusal(day, at=now) if summary.closing is None else None
    not_owed = days.not_owed_reason(establishment, day)
    if summary.closing is None and not_owed:
        state, refusal = days.DayState.NOT_OWED, not_owed
    return render(
        request,
        "guests/register.html",
        {
            "establishment": establishment,
            "form": form,
            "summary": summary,
            "state": state,
            "refusal": refusal,
            "cutoff": days.cutoff(day),
            "missing": queries.missing_days(establishment, at=now),
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "today": local_day(now),
            "can_file": access.can_file(request.user),
        },
    )


def day(request: HttpRequest) -> HttpResponse:
    establishment = access.establishment_of(request.user)
    if "day" in request.GET:
        form = DayForm(request.GET)
        if form.is_valid():
            return _render_day(request, establishment, form.cleaned_data["day"], form)
    else:
        form = DayForm()
    now = timezone.now()
    yesterday = local_day(now) - timedelta(days=1)
    chosen = days.default_day(
        at=now,
        # A day the establishment does not owe (approved today) is as good as closed.
        yesterday_closed=not days.owes_register(establishment, yesterday)
        or establishment.register_closings.filter(day=yesterday).exists(),
    )
    if not form.is_bound:
        form = DayForm(initial={"day": chosen})
    return _render_day(request, establishment, chosen, form)


def closing(request: HttpRequest, pk: int) -> HttpResponse:
    found = access.get_closing_for_user(request.user, pk)
    return _render_day(request, found.establishment, found.day, DayForm(initial={"day": found.day}))


@require_POST
def close(request: HttpRequest) -> HttpResponse:
    establishment = access.establishment_of(request.user)
    form = DayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the day whose register to close."))
        return redirect("guests:register")
    chosen = form.cleaned_data["day"]
    try:
        closed, created = services.close_register(
            establishment=establishment, day=chosen, by=request.user, at=timezone.now()
        )
    except services.RegisterRefused as e:
        messages.error(request, str(e))
        return redirect(_register_url(chosen))
    if created:
        messages.success(
            request,
            _("The register for %(day)s is closed.") % {"day": show_date(chosen)},
        )
    else:
        messages.info(
            request,
            _("The register for %(day)s was already closed.") % {"day": show_date(chosen)},
        )
    return redirect(_register_url(closed.day))


def history(request: HttpRequest) -> HttpResponse:
    establishment = access.establishment_of(request.user)
    rows = queries.history(establishment, at=timezone.now())
    return render(
        request,
        "guests/register_history.html",
        {
            "establishment": establishment,
            "days": rows,
            "history_days": days.HISTORY_DAYS,
        },
    )
