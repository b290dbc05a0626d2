"""The commander's statistics page and its CSV export (see wards/stats/queries.py for what the
figures mean)."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from guests.audit.export import safe_cell

from ..access import commanded_ward_or_403
from . import charts
from . import queries as stats
from .forms import StatsPeriodForm


def _late_percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    ward = commanded_ward_or_403(request.user)
    form = StatsPeriodForm(request.GET)
    sort = stats.ESTABLISHMENT_SORTING.clean(request.GET.get("sort"))
    context: dict[str, object] = {"ward": ward, "form": form, "sort": sort}
    if not form.is_valid():
        return render(request, "wards/stats.html", context, status=400)

    period = form.period()
    days = stats.guests_per_day(ward, period)
    nationalities = stats.nationalities(ward, period)
    labels = [day.isoformat() for day in period.days]
    ticks = [f"{day:%d/%m}" for day in period.days]
    context.update(
        period=period,
        days=days,
        totals=stats.totals(days),
        nationalities=nationalities,
        establishments=stats.per_establishment(ward, period, sort),
        sort_links=stats.ESTABLISHMENT_SORTING.links(sort),
        review=stats.review_times(ward, period),
        days_chart=charts.stacked_bar_chart(
            labels,
            [
                charts.Series(_("Foreigners"), [d.foreigners for d in days], charts.PALETTE[0]),
                charts.Series(_("Citizens"), [d.citizens for d in days], charts.PALETTE[1]),
            ],
            title=_("Guests per day by kind"),
            desc=_("Stacked bars, one per local day of arrival: foreigners, then citizens."),
            tick_labels=ticks,
        ),
        nationality_chart=charts.horizontal_bar_chart(
            [n.name for n in nationalities],
            [n.guests for n in nationalities],
            title=_("Guests by nationality"),
            desc=_("Horizontal bars, the most frequent nationalities first."),
        ),
        late_chart=charts.line_chart(
            labels,
            [d.late_percent for d in days],
            title=_("Late rate per day"),
            desc=_("The share of each day's arrivals filed after the legal deadline, in percent."),
            unit="%",
            max_value=100,
            tick_labels=ticks,
        ),
    )
    return render(request, "wards/stats.html", context)


@require_GET
def statistics_export(request: HttpRequest) -> HttpResponse:
    ward = commanded_ward_or_403(request.user)
    form = StatsPeriodForm(request.GET)
    table = request.GET.get("table") or "days"
    if table not in ("days", "establishments"):
        return HttpResponseBadRequest(_("Unknown table: choose days or establishments."))
    if not form.is_valid():
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponseBadRequest(errors)
    period = form.period()

    filename = f"statistics-{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte order mark, so that Excel reads UTF-8 (and Vietnamese names) correctly.
    response.write("\ufeff")
    writer = csv.writer(response)

    def row(values: list[object]) -> None:
        writer.writerow([safe_cell(value) for value in values])

    if table == "days":
        row([_("Day"), _("Foreigners"), _("Citizens"), _("Guests"), _("Late"), _("Late %")])
        for d in stats.guests_per_day(ward, period):
            row(
                [
                    d.day.isoformat(),
                    d.foreigners,
                    d.citizens,
                    d.guests,
                    d.late,
                    _late_percent(d.late_percent),
                ]
            )
    else:
        row(
            [
                _("Establishment"),
                _("Code"),
                _("Guests"),
                _("Foreigners"),
                _("Citizens"),
                _("Late"),
                _("Late %"),
            ]
        )
        for e in stats.per_establishment(
            ward, period, stats.ESTABLISHMENT_SORTING.clean(request.GET.get("sort"))
        ):
            row(
                [
                    e.name,
                    e.code,
                    e.guests,
                    e.foreigners,
                    e.citizens,
                    e.late,
                    _late_percent(None if e.late_percent is None else round(e.late_percent, 1)),
                ]
            )
    return response
