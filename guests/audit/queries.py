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

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from establishments.models import Establishment
from luutru.models import Role, User
from luutru.sorting import Sorting

from ..models import Declaration, DeclarationVersion, ReviewAction

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
# Dates read newest first; names and rooms from the top.
SORTING = Sorting(tuple(SORTS), DEFAULT_SORT, descending_first=frozenset({"filed", "arrival"}))


def staff_users(establishment: Establishment) -> QuerySet[User]:
    return User.objects.filter(staff__establishment=establishment).order_by("full_name", "username")


def ordering(sort: str) -> list[str]:
    descending = sort.startswith("-")
    fields = SORTS[sort.removeprefix("-")]
    prefix = "-" if descending else ""
    # The id breaks ties, so that a row never shows on two pages or none.
    return [f"{prefix}{name}" for name in fields] + [f"{prefix}id"]


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
