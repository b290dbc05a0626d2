"""The owner's audit of the establishment's submissions: filters, sorting, the per-staff
summary and the CSV export.

Everything here starts from one establishment, which the views get from
``establishments.access.owned_establishment`` (owners only): another establishment's rows
cannot appear, and another establishment's staff cannot be chosen in a filter (their id is not
a valid choice).

Decisions, so the figures can be read the same way by everyone:

- Days are local days (Asia/Ho_Chi_Minh) of ``filed_at``, both ends inclusive.
- The summary counts, per staff member, the declarations *they filed in the period*; its
  "returned" and "corrected" columns are about that same set, so they can be compared with
  "filed":
  - returned: declarations the police returned at least once (a ``ReviewEvent`` with action
    "returned", at any time), including those corrected and confirmed since: the return
    measures the quality of the filing, and a correction does not erase it;
  - corrected: declarations that have more than one version, whoever submitted the
    correction.
- Owners cannot file, so an owner is listed in the summary only if they filed something
  (e.g. before a change of role); every receptionist is listed, also with zero filings.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from establishments.models import Establishment
from luutru.models import Role, User

from . import documents
from .deadlines import LOCAL_TZ, to_local
from .models import (
    Declaration,
    DeclarationKind,
    DeclarationVersion,
    DocumentType,
    ReviewAction,
    ReviewStatus,
    Sex,
)
from .register import DAY_VALIDATORS

PAGE_SIZE = 50

# Whitelisted sort keys: what the query string may say, and what the database orders by.
SORTS: dict[str, tuple[str, ...]] = {
    "filed": ("filed_at",),
    "arrival": ("arrival",),
    "name": ("full_name",),
    "room": ("room",),
    "staff": ("filed_by__full_name", "filed_by__username"),
}
DEFAULT_SORT = "-filed"

SORT_CHOICES = [
    ("-filed", gettext_lazy("Filed, newest first")),
    ("filed", gettext_lazy("Filed, oldest first")),
    ("-arrival", gettext_lazy("Arrival, newest first")),
    ("arrival", gettext_lazy("Arrival, oldest first")),
    ("name", gettext_lazy("Name, A to Z")),
    ("-name", gettext_lazy("Name, Z to A")),
    ("room", gettext_lazy("Room, ascending")),
    ("-room", gettext_lazy("Room, descending")),
    ("staff", gettext_lazy("Staff member, A to Z")),
    ("-staff", gettext_lazy("Staff member, Z to A")),
]

LATE_CHOICES = [
    ("", gettext_lazy("Late or on time")),
    ("yes", gettext_lazy("Late only")),
    ("no", gettext_lazy("On time only")),
]

# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def this_month(today: date | None = None) -> tuple[date, date]:
    """The first and last local day of the current month."""
    today = today or timezone.localdate(timezone=LOCAL_TZ)
    first = today.replace(day=1)
    next_first = (first + timedelta(days=32)).replace(day=1)
    return first, next_first - timedelta(days=1)


def staff_users(establishment: Establishment) -> QuerySet[User]:
    return User.objects.filter(staff__establishment=establishment).order_by("full_name", "username")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class PeriodForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("Filed from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=DAY_VALIDATORS,
    )
    date_to = forms.DateField(
        label=gettext_lazy("Filed to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=DAY_VALIDATORS,
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        return cleaned

    def filed_between(self) -> Q:
        """The filter on ``filed_at`` for the chosen local days, both ends inclusive."""
        q = Q()
        if start := self.cleaned_data.get("date_from"):
            q &= Q(filed_at__gte=local_day_start(start))
        if end := self.cleaned_data.get("date_to"):
            q &= Q(filed_at__lt=local_day_start(end + timedelta(days=1)))
        return q


class AuditFilterForm(PeriodForm):
    """The audit's filters, read from the query string."""

    staff = StaffChoiceField(
        label=gettext_lazy("Filed by"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Everyone"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[("", gettext_lazy("All kinds")), *DeclarationKind.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Review status"),
        choices=[("", gettext_lazy("Any status")), *ReviewStatus.choices],
        required=False,
    )
    late = forms.ChoiceField(label=gettext_lazy("Late"), choices=LATE_CHOICES, required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), choices=SORT_CHOICES, required=False)

    field_order = ["staff", "date_from", "date_to", "kind", "status", "late", "sort"]

    def __init__(self, *args, establishment: Establishment, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only this establishment's staff: another establishment's user id is "not one of the
        # available choices", never a way into their data.
        self.fields["staff"].queryset = staff_users(establishment)

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or DEFAULT_SORT

    def apply(self, declarations: QuerySet[Declaration]) -> QuerySet[Declaration]:
        """``declarations`` narrowed by the valid filters and in the chosen order."""
        data = self.cleaned_data
        declarations = declarations.filter(self.filed_between())
        if data.get("staff"):
            declarations = declarations.filter(filed_by=data["staff"])
        if data.get("kind"):
            declarations = declarations.filter(kind=data["kind"])
        if data.get("status"):
            declarations = declarations.filter(review_status=data["status"])
        if data.get("late") == "yes":
            declarations = declarations.filter(late=True)
        elif data.get("late") == "no":
            declarations = declarations.filter(late=False)
        return declarations.order_by(*ordering(data.get("sort") or DEFAULT_SORT))


def ordering(sort: str) -> list[str]:
    descending = sort.startswith("-")
    fields = SORTS[sort.removeprefix("-")]
    prefix = "-" if descending else ""
    # The id breaks ties, so that a row never shows on two pages or none.
    return [f"{prefix}{name}" for name in fields] + [f"{prefix}id"]


def sort_links(sort: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the sort its header link asks for (the same column again
    reverses the order) and the direction it is sorted in now ("asc", "desc" or "")."""
    links = {}
    for key in SORTS:
        if sort == key:
            links[key] = {"next": f"-{key}", "direction": "asc"}
        elif sort == f"-{key}":
            links[key] = {"next": key, "direction": "desc"}
        else:
            # Dates read newest first; names and rooms from the top.
            first = f"-{key}" if key in ("filed", "arrival") else key
            links[key] = {"next": first, "direction": ""}
    return links


def audit_declarations(establishment: Establishment) -> QuerySet[Declaration]:
    """Every submission of the establishment, with what a row of the audit shows."""
    # The count is a correlated subquery, not a join with GROUP BY: the page is then read
    # from the ``declaration_audit`` index fifty rows at a time, and the paginator's COUNT
    # drops the annotation.
    versions = (
        DeclarationVersion.objects.filter(declaration=OuterRef("pk"))
        .order_by()
        .values("declaration")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Declaration.objects.filter(establishment=establishment)
        .select_related("filed_by")
        .annotate(version_count=Coalesce(Subquery(versions), 0))
    )


# --- the per-staff summary ------------------------------------------------------------------


class SummaryForm(PeriodForm):
    def __init__(self, data=None, **kwargs) -> None:
        # Without dates in the query string, this month.
        if not data or not (data.get("date_from") or data.get("date_to")):
            first, last = this_month()
            data = {"date_from": first.isoformat(), "date_to": last.isoformat()}
        super().__init__(data, **kwargs)


@dataclass(frozen=True)
class StaffSummary:
    user: User
    filed: int
    late: int
    returned: int
    corrected: int

    @property
    def late_percent(self) -> float | None:
        return None if not self.filed else round(100 * self.late / self.filed, 1)


def staff_summary(establishment: Establishment, filed_between: Q) -> list[StaffSummary]:
    """Per staff member, their filings in the period: two queries whatever the staff count."""
    figures = {
        row["filed_by"]: row
        for row in Declaration.objects.filter(filed_between, establishment=establishment)
        .order_by()
        .values("filed_by")
        .annotate(
            # The joins with reviews and versions repeat a declaration: count it once.
            filed=Count("pk", distinct=True),
            late=Count("pk", filter=Q(late=True), distinct=True),
            returned=Count("pk", filter=Q(reviews__action=ReviewAction.RETURNED), distinct=True),
            corrected=Count("pk", filter=Q(versions__number__gt=1), distinct=True),
        )
    }
    empty = {"filed": 0, "late": 0, "returned": 0, "corrected": 0}
    rows = []
    for user in staff_users(establishment):
        row = figures.get(user.pk, empty)
        if user.role == Role.OWNER and not row["filed"]:
            continue
        rows.append(
            StaffSummary(
                user=user,
                filed=row["filed"],
                late=row["late"],
                returned=row["returned"],
                corrected=row["corrected"],
            )
        )
    return rows


# --- the CSV export -------------------------------------------------------------------------


def export_columns() -> list[str]:
    """The header row, in the user's language (computed in the view: the rows are streamed
    after it returns)."""
    return [
        _("Declaration id"),
        _("Filed at"),
        _("Filed by"),
        _("Kind"),
        _("Full name"),
        _("Sex"),
        _("Date of birth"),
        _("Nationality"),
        _("Document type"),
        _("Document number"),
        _("Room"),
        _("Arrival"),
        _("Expected departure"),
        _("Departed at"),
        _("Deadline"),
        _("Late"),
        _("Review status"),
        _("Versions"),
    ]


def export_labels() -> dict[str, str]:
    """The stored choices in the user's language, fixed before the rows are streamed."""
    labels = {
        str(value): str(label)
        for choices in (DeclarationKind, DocumentType, ReviewStatus)
        for value, label in choices.choices
    }
    labels.update({f"sex:{value}": str(label) for value, label in Sex.choices})
    labels.update({"yes": _("yes"), "no": _("no")})
    return labels


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a quote first."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _local(moment: datetime | None) -> str:
    return "" if moment is None else to_local(moment).strftime("%Y-%m-%d %H:%M")


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_rows(
    declarations: Iterable[Declaration], *, header: list[str], labels: dict[str, str]
) -> Iterator[str]:
    """The CSV text, line by line, starting with a byte order mark so that Excel reads UTF-8
    (and Vietnamese names) correctly. ``labels`` translates the stored choices."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_cell(name) for name in header])
    for d in declarations:
        yield writer.writerow(
            [
                safe_cell(value)
                for value in (
                    d.pk,
                    _local(d.filed_at),
                    d.filed_by,
                    labels.get(d.kind, d.kind),
                    d.full_name,
                    labels.get(f"sex:{d.sex}", d.sex),
                    d.birth_date.isoformat(),
                    d.nationality,
                    labels.get(d.document_type, d.document_type),
                    documents.mask(d.document_number),
                    d.room,
                    _local(d.arrival),
                    _local(d.expected_departure),
                    _local(d.departed_at),
                    _local(d.deadline),
                    labels["yes"] if d.late else labels["no"],
                    labels.get(d.review_status, d.review_status),
                    d.version_count,
                )
            ]
        )
