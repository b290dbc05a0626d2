"""The province immigration office's pages: the queue, an application and its decisions, the
statistics and their CSV export."""

from __future__ import annotations

import csv
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guests.audit.export import safe_cell
from wards.stats import charts

from ..access import get_application_for_user, office_province_or_403
from ..models import TRANSITIONS, Application, State
from ..services import StaleState
from . import queries, services
from . import stats as office_stats
from .forms import (
    AppointmentForm,
    InfoRequestForm,
    OfficeStatsForm,
    QueueFilterForm,
    RefuseForm,
)

TABS = ("waiting", "info", "decided")


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The office's queue: its province's applications waiting for a decision, oldest first;
    the ones waiting for the applicant, and the latest decisions, on their own tabs."""
    province = office_province_or_403(request.user)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "waiting"
    form = QueueFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    context: dict[str, object] = {"province": province, "form": form, "tab": tab}
    if tab == "waiting":
        rows = queries.waiting_in(
            province,
            kind=filters.get("kind", ""),
            state=filters.get("state", ""),
            late_only=filters.get("late", False),
            now=now,
        )
        cursor = queries.Cursor.parse(request.GET.get("after"))
        page, next_cursor = queries.page_of(rows, cursor)
        kept = {k: v for k, v in filters.items() if v}
        context.update(
            next_query=urlencode({**kept, "after": str(next_cursor)}) if next_cursor else "",
            first_query=urlencode(kept) if cursor else None,
        )
    elif tab == "info":
        page = list(queries.with_applicant(province))
    else:
        page = list(queries.recently_decided(province))
    for application in page:
        application.deadline = queries.deadline_status(application.due_at, now)
    context["applications"] = page
    return render(request, "immigration/office/queue.html", context)


def _decision_forms(application: Application, bound: forms.Form | None = None) -> dict:
    """The forms of the decisions the application's state allows, one bound on error."""
    allowed = TRANSITIONS.get(application.state, ())
    initial = {"seen_state": application.state}
    made = {
        "info_form": (State.INFO_REQUESTED, InfoRequestForm),
        "accept_form": (State.ACCEPTED, AppointmentForm),
        "approve_form": (State.APPROVED, AppointmentForm),
        "refuse_form": (State.REFUSED, RefuseForm),
    }
    result = {}
    for name, (state, form_class) in made.items():
        if state not in allowed:
            continue
        if bound is not None and bound.prefix == name:
            result[name] = bound
        else:
            result[name] = form_class(initial=initial, prefix=name)
    return result


def _detail(
    request: HttpRequest, application: Application, bound: forms.Form | None = None
) -> HttpResponse:
    context = {
        "application": application,
        "events": application.events.select_related("actor"),
        "attachments": application.attachments.only(
            "pk", "kind", "name", "size", "content_type", "uploaded_at", "application_id"
        ),
        "confirmations": application.confirmations.select_related("ward"),
        "deadline": queries.deadline_status(application.due_at),
        "waiting": application.state in queries.WAITING_STATES,
        **_decision_forms(application, bound),
    }
    return render(
        request,
        "immigration/office/application.html",
        context,
        status=400 if bound is not None else 200,
    )


@require_GET
def application(request: HttpRequest, pk: int) -> HttpResponse:
    office_province_or_403(request.user)
    return _detail(request, get_application_for_user(request.user, pk))


def _decide(
    request: HttpRequest,
    pk: int,
    *,
    prefix: str,
    form_class: type[forms.Form],
    act: Callable[[Application, dict], object],
    done: str,
) -> HttpResponse:
    office_province_or_403(request.user)
    application = get_application_for_user(request.user, pk)
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        if "seen_state" in form.errors and len(form.errors) == 1:
            return HttpResponseBadRequest(_("The form is incomplete: reload the page."))
        return _detail(request, application, bound=form)
    try:
        if form.cleaned_data["seen_state"] != application.state:
            raise StaleState(f"{form.cleaned_data['seen_state']} -> {application.state}")
        act(application, form.cleaned_data)
    except StaleState:
        messages.error(
            request,
            _("Another officer decided first: the application is now “%(state)s”.")
            % {"state": Application.objects.get(pk=application.pk).get_state_display()},
        )
    else:
        messages.success(request, done % {"reference": application.reference})
    return redirect("immigration:office_application", pk=application.pk)


@require_POST
def request_info(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        prefix="info_form",
        form_class=InfoRequestForm,
        act=lambda a, data: services.request_information(
            application=a, by=request.user, text=data["text"]
        ),
        done=_("More information was requested for %(reference)s; the applicant is told."),
    )


@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        prefix="accept_form",
        form_class=AppointmentForm,
        act=lambda a, data: services.accept(
            application=a, by=request.user, appointment_at=data["appointment_at"]
        ),
        done=_("%(reference)s is accepted; the applicant is told the appointment."),
    )


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        prefix="approve_form",
        form_class=AppointmentForm,
        act=lambda a, data: services.approve(
            application=a, by=request.user, appointment_at=data["appointment_at"]
        ),
        done=_("%(reference)s is approved; the applicant is told the appointment."),
    )


@require_POST
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        prefix="refuse_form",
        form_class=RefuseForm,
        act=lambda a, data: services.refuse(application=a, by=request.user, reason=data["reason"]),
        done=_("%(reference)s is refused; the applicant is told the reason."),
    )


# --- statistics --------------------------------------------------------------------------------

# The states of the chart, grouped to stay within the palette's five colours.
CHART_GROUPS = (
    ((State.SUBMITTED, State.RESUBMITTED, State.ACCEPTED), "waiting"),
    ((State.INFO_REQUESTED,), "info"),
    ((State.APPROVED,), "approved"),
    ((State.REFUSED,), "refused"),
    ((State.WITHDRAWN,), "withdrawn"),
)


def _chart_labels() -> dict[str, str]:
    return {
        # Short: the chart's legend is one line.
        "waiting": _("Waiting for the office"),
        "info": _("With the applicant"),
        "approved": _("Approved"),
        "refused": _("Refused"),
        "withdrawn": str(State.WITHDRAWN.label),
    }


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    province = office_province_or_403(request.user)
    form = OfficeStatsForm(request.GET)
    context: dict[str, object] = {"province": province, "form": form}
    if not form.is_valid():
        return render(request, "immigration/office/stats.html", context, status=400)
    start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    rows = office_stats.submitted_in(province, start, end)
    kinds = office_stats.by_kind_and_state(rows)
    nationalities = office_stats.by_nationality(rows)
    states = office_stats.COUNTED_STATES
    labels = _chart_labels()
    series = []
    for n, (group, key) in enumerate(CHART_GROUPS):
        positions = [states.index(s) for s in group]
        values = [sum(row.counts[i] for i in positions) for row in kinds]
        series.append(charts.Series(labels[key], values, charts.PALETTE[n]))
    context.update(
        start=start,
        end=end,
        states=states,
        kinds=kinds,
        totals=[sum(row.counts[i] for row in kinds) for i in range(len(states))],
        total=sum(row.total for row in kinds),
        timeliness=office_stats.timeliness(rows),
        nationalities=nationalities,
        kinds_chart=charts.stacked_bar_chart(
            [row.label for row in kinds],
            series,
            title=_("Applications by kind and state"),
            desc=_("Stacked bars, one per kind of application, split by where it stands."),
            height=320,
        ),
        nationality_chart=charts.horizontal_bar_chart(
            [row.name for row in nationalities],
            [row.applications for row in nationalities],
            title=_("Applications by nationality"),
            desc=_("Horizontal bars, the most frequent nationalities first."),
        ),
        export_query=urlencode({"date_from": start.isoformat(), "date_to": end.isoformat()}),
    )
    return render(request, "immigration/office/stats.html", context)


@require_GET
def statistics_export(request: HttpRequest) -> HttpResponse:
    province = office_province_or_403(request.user)
    form = OfficeStatsForm(request.GET)
    table = request.GET.get("table") or "kinds"
    if table not in ("kinds", "nationalities", "applications"):
        return HttpResponseBadRequest(
            _("Unknown table: choose kinds, nationalities or applications.")
        )
    if not form.is_valid():
        return HttpResponseBadRequest(
            " ".join(str(e) for errs in form.errors.values() for e in errs)
        )
    start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    rows = office_stats.submitted_in(province, start, end)

    filename = f"immigration-{table}-{start:%Y%m%d}-{end:%Y%m%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte order mark, so that Excel reads UTF-8 (and Vietnamese names) correctly.
    response.write("\ufeff")
    writer = csv.writer(response)

    def row(values: list[object]) -> None:
        writer.writerow([safe_cell(value) for value in values])

    if table == "kinds":
        states = office_stats.COUNTED_STATES
        row([_("Kind"), *[s.label for s in states], _("Total")])
        for kind in office_stats.by_kind_and_state(rows):
            row([kind.label, *kind.counts, kind.total])
    elif table == "nationalities":
        row([_("Nationality"), _("Code"), _("Applications")])
        for n in office_stats.by_nationality(rows):
            row([n.name, n.code, n.applications])
    else:
        row(
            [
                _("Reference"),
                _("Full name"),
                _("Nationality"),
                _("Kind"),
                _("State"),
                _("Submitted"),
                _("Due"),
                _("Decided"),
                _("Working days to decision"),
                _("Deadline missed"),
            ]
        )
        for a in (
            rows.order_by("submitted_at", "id")
            .only(
                "reference",
                "full_name",
                "nationality",
                "kind",
                "state",
                "submitted_at",
                "due_at",
                "decided_at",
                "overdue_at",
            )
            .iterator(chunk_size=2000)
        ):
            days = office_stats.decision_days(a)
            row(
                [
                    a.reference,
                    a.full_name,
                    a.nationality,
                    a.get_kind_display(),
                    a.get_state_display(),
                    _local(a.submitted_at),
                    _local(a.due_at),
                    _local(a.decided_at),
                    "" if days is None else days,
                    _("yes") if office_stats.missed(a) else _("no"),
                ]
            )
    return response


def _local(moment) -> str:
    return "" if moment is None else timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
