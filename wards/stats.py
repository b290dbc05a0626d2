"""The commander's statistics of one ward over a period of local days.

Decisions, so that everyone reads the figures the same way:

- A guest counts on the local day (Asia/Ho_Chi_Minh) of their ``arrival``; the period runs
  from the first local day's midnight to the midnight after the last, both days included.
  Every figure below is about the declarations whose arrival falls in the period.
- "Late" is the flag set at filing time (the legal deadline was missed); the late rate of a
  day is the share of that day's arrivals filed late.
- The review time of a declaration is its first review (confirmed or returned, whichever came
  first) minus its filing time; declarations nobody reviewed yet are left out of the median and
  the 90th percentile, and counted apart.
- Only the ward's own establishments are counted: the ward comes from the commander's
  membership (``access.commanded_ward_or_403``), never from the request.

Each aggregate is one SQL query, so the page costs the same number of queries for 7 days as
for 366.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import (
    Aggregate,
    Case,
    Count,
    F,
    FloatField,
    Func,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from establishments.models import Establishment
from guests.deadlines import DAY_VALIDATORS, LOCAL_TZ
from guests.models import Declaration, DeclarationKind
from guests.nationalities import NATIONALITY_LABELS
from luutru.models import Ward

DEFAULT_DAYS = 30
MAX_DAYS = 366
TOP_NATIONALITIES = 15


# --- the period -----------------------------------------------------------------------------


def local_today() -> date:
    return timezone.localdate(timezone=LOCAL_TZ)


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last 30 local days, today included."""
    today = today or local_today()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


class StatsPeriodForm(forms.Form):
    """The period, read from the query string; without dates, the last 30 days."""

    date_from = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=DAY_VALIDATORS,
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=DAY_VALIDATORS,
    )

    def __init__(self, data=None, **kwargs) -> None:
        if not data or not (data.get("date_from") or data.get("date_to")):
            start, end = default_period()
            data = {"date_from": start.isoformat(), "date_to": end.isoformat()}
        super().__init__(data, **kwargs)

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if start > end:
                self.add_error("date_to", _("The end of the period must not be before its start."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error(
                    "date_to",
                    _("A period may cover at most %(days)s days; this one covers %(count)s.")
                    % {"days": MAX_DAYS, "count": (end - start).days + 1},
                )
        return cleaned

    def period(self) -> Period:
        return Period(self.cleaned_data["date_from"], self.cleaned_data["date_to"])


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def arrivals(self) -> Q:
        """Arrivals from the first day's local midnight to the midnight after the last day."""
        return Q(
            arrival__gte=datetime.combine(self.start, time.min, tzinfo=LOCAL_TZ),
            arrival__lt=datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=LOCAL_TZ),
        )


def ward_declarations(ward: Ward, period: Period) -> QuerySet[Declaration]:
    return Declaration.objects.filter(period.arrivals(), establishment__ward=ward).order_by()


def percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


# --- guests per day -------------------------------------------------------------------------


@dataclass(frozen=True)
class DayFigures:
    day: date
    foreigners: int
    citizens: int
    late: int

    @property
    def guests(self) -> int:
        return self.foreigners + self.citizens

    @property
    def late_percent(self) -> float | None:
        return percent(self.late, self.guests)


def guests_per_day(ward: Ward, period: Period) -> list[DayFigures]:
    """Every day of the period, also the days without arrivals: one query."""
    rows = {
        row["day"]: row
        for row in ward_declarations(ward, period)
        # The local day: 23:30 in Hà Nội is 16:30 UTC, and still that day.
        .annotate(day=TruncDate("arrival", tzinfo=LOCAL_TZ))
        .values("day")
        .annotate(
            foreigners=Count("pk", filter=Q(kind=DeclarationKind.FOREIGNER)),
            citizens=Count("pk", filter=Q(kind=DeclarationKind.CITIZEN)),
            late=Count("pk", filter=Q(late=True)),
        )
    }
    empty = {"foreigners": 0, "citizens": 0, "late": 0}
    return [
        DayFigures(
            day=day,
            foreigners=rows.get(day, empty)["foreigners"],
            citizens=rows.get(day, empty)["citizens"],
            late=rows.get(day, empty)["late"],
        )
        for day in period.days
    ]


@dataclass(frozen=True)
class Totals:
    foreigners: int
    citizens: int
    late: int

    @property
    def guests(self) -> int:
        return self.foreigners + self.citizens

    @property
    def late_percent(self) -> float | None:
        return percent(self.late, self.guests)


def totals(days: list[DayFigures]) -> Totals:
    return Totals(
        foreigners=sum(d.foreigners for d in days),
        citizens=sum(d.citizens for d in days),
        late=sum(d.late for d in days),
    )


# --- nationalities --------------------------------------------------------------------------


def nationality_name(code: str) -> str:
    """A country's name in the current language; an ICAO code that names no country gets its
    label; a code nobody knows is shown as it is."""
    if len(code) == 3:
        label = NATIONALITY_LABELS.get(code)
        return f"{label} ({code})" if label else code
    if code == "XK":
        return _("Kosovo")
    return countries.name(code) or code


@dataclass(frozen=True)
class NationalityFigures:
    code: str
    name: str
    guests: int


def nationalities(ward: Ward, period: Period) -> list[NationalityFigures]:
    """The fifteen most frequent nationalities, then one row for all the others: one query
    (there are at most a few hundred codes)."""
    rows = list(
        ward_declarations(ward, period)
        .values("nationality")
        .annotate(guests=Count("pk"))
        .order_by("-guests", "nationality")
    )
    top = [
        NationalityFigures(row["nationality"], nationality_name(row["nationality"]), row["guests"])
        for row in rows[:TOP_NATIONALITIES]
    ]
    rest = rows[TOP_NATIONALITIES:]
    if rest:
        others = _("Other nationalities (%(count)s)") % {"count": len(rest)}
        top.append(NationalityFigures("", others, sum(row["guests"] for row in rest)))
    return top


# --- per establishment ----------------------------------------------------------------------

# Whitelisted sort keys: what the query string may say, and what the database orders by.
ESTABLISHMENT_SORTS = {
    "name": "name",
    "guests": "guests",
    "foreigners": "foreigners",
    "citizens": "citizens",
    "late": "late",
    "late_percent": "late_percent",
}
DEFAULT_ESTABLISHMENT_SORT = "-guests"


def clean_sort(sort: str | None) -> str:
    if sort and sort.removeprefix("-") in ESTABLISHMENT_SORTS:
        return sort
    return DEFAULT_ESTABLISHMENT_SORT


def establishment_sort_links(sort: str) -> dict[str, dict[str, str]]:
    """For each column: the sort its header link asks for (the same column again reverses it)
    and the current direction ("asc", "desc" or "")."""
    links = {}
    for key in ESTABLISHMENT_SORTS:
        if sort == key:
            links[key] = {"next": f"-{key}", "direction": "asc"}
        elif sort == f"-{key}":
            links[key] = {"next": key, "direction": "desc"}
        else:
            # Names read from A; figures from the largest.
            links[key] = {"next": key if key == "name" else f"-{key}", "direction": ""}
    return links


def per_establishment(ward: Ward, period: Period, sort: str) -> QuerySet[Establishment]:
    """Every establishment of the ward, also those with no guest in the period: one query."""
    in_period = Q(
        declarations__arrival__gte=datetime.combine(period.start, time.min, tzinfo=LOCAL_TZ),
        declarations__arrival__lt=datetime.combine(
            period.end + timedelta(days=1), time.min, tzinfo=LOCAL_TZ
        ),
    )
    queryset = (
        Establishment.objects.filter(ward=ward)
        .annotate(
            guests=Count("declarations", filter=in_period),
            foreigners=Count(
                "declarations",
                filter=in_period & Q(declarations__kind=DeclarationKind.FOREIGNER),
            ),
            citizens=Count(
                "declarations", filter=in_period & Q(declarations__kind=DeclarationKind.CITIZEN)
            ),
            late=Count("declarations", filter=in_period & Q(declarations__late=True)),
        )
        .annotate(
            late_percent=Case(
                When(guests=0, then=Value(None)),
                default=Value(100.0) * Cast("late", FloatField()) / Cast("guests", FloatField()),
                output_field=FloatField(),
            )
        )
    )
    key = ESTABLISHMENT_SORTS[sort.removeprefix("-")]
    if sort.startswith("-"):
        order = [F(key).desc(nulls_last=True), "name", "pk"]
    else:
        order = [F(key).asc(nulls_last=True), "name", "pk"]
    return queryset.order_by(*order)


# --- review times ---------------------------------------------------------------------------


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: the continuous percentile of the sorted values."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra) -> None:
        # A number we write ourselves, never user input: safe in the template.
        super().__init__(expression, fraction=f"{float(fraction):f}", **extra)


class Hours(Func):
    """An interval in hours, as a number."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) / 3600.0)"
    output_field = FloatField()


@dataclass(frozen=True)
class ReviewTimes:
    reviewed: int
    unreviewed: int
    median_hours: float | None
    p90_hours: float | None


def review_times(ward: Ward, period: Period) -> ReviewTimes:
    """Median and 90th percentile of the first review time, in one query: the first review of
    each declaration in a subquery, the percentiles over it."""
    first_reviews = (
        ward_declarations(ward, period)
        .values("pk")
        .annotate(first_review=Min("reviews__at"), filed=Min("filed_at"))
    )
    figures = first_reviews.aggregate(
        reviewed=Count("pk", filter=Q(first_review__isnull=False)),
        unreviewed=Count("pk", filter=Q(first_review__isnull=True)),
        median=PercentileCont(Hours(F("first_review") - F("filed")), 0.5),
        p90=PercentileCont(Hours(F("first_review") - F("filed")), 0.9),
    )
    return ReviewTimes(
        reviewed=figures["reviewed"],
        unreviewed=figures["unreviewed"],
        median_hours=None if figures["median"] is None else round(figures["median"], 1),
        p90_hours=None if figures["p90"] is None else round(figures["p90"], 1),
    )
