"""The review inbox: what the police of a ward have still to confirm or return.

The inbox is read with keyset pagination: the "next" link carries the last row's sort key
(late, filed_at, id), so page 400 costs what page 1 costs and a declaration confirmed by a
colleague in between neither repeats a row nor skips one. It reads the partial index
``declaration_inbox`` (guests), which holds only pending rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from establishments.models import Establishment
from guests.models import Declaration, ReviewStatus
from luutru.models import Beat, Role, User, Ward

PAGE_SIZE = 25
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def beat_of(user: User) -> Beat | None:
    """The beat an officer works, if any. A commander sees the whole ward whatever their row
    says."""
    if user.role != Role.WARD_OFFICER:
        return None
    return Beat.objects.filter(officers__user=user).first()


# --- keyset pagination --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """The sort key of the last row of a page: (late, filed_at, id)."""

    late: bool
    filed_at: datetime
    id: int

    @classmethod
    def after(cls, declaration: Declaration) -> Cursor:
        return cls(late=declaration.late, filed_at=declaration.filed_at, id=declaration.pk)

    def encode(self) -> str:
        # Whole microseconds since the epoch: exact, unlike a float, and safe in a URL.
        micros = (self.filed_at - EPOCH) // timedelta(microseconds=1)
        return f"{int(self.late)}.{micros}.{self.id}"

    @classmethod
    def decode(cls, value: str) -> Cursor | None:
        """The cursor of a "next" link, or None for anything that is not one."""
        try:
            late, micros, pk = (int(part) for part in value.split("."))
            return cls(late=bool(late), filed_at=EPOCH + timedelta(microseconds=micros), id=pk)
        except (ValueError, OverflowError):
            return None


def pending_in(
    ward: Ward,
    *,
    beat: Beat | None = None,
    establishment: Establishment | None = None,
    kind: str = "",
) -> InboxQuery:
    """The ward's declarations awaiting review, late ones first and then oldest first."""
    establishments = Establishment.objects.filter(ward=ward)
    if beat is not None:
        establishments = establishments.filter(beat=beat)
    if establishment is not None:
        establishments = establishments.filter(pk=establishment.pk)
    return InboxQuery(establishments=establishments, kind=kind)


ORDER = ("-late", "filed_at", "id")


@dataclass(frozen=True)
class InboxQuery:
    establishments: QuerySet[Establishment]
    kind: str = ""

    def rows(self, *, after: Cursor | None = None, limit: int) -> QuerySet[Declaration]:
        """The first ``limit`` rows after the cursor, in one query whose cost does not grow
        with the backlog: for each establishment in scope, a LATERAL subquery reads its own
        first ``limit`` keys from the partial index ``declaration_inbox`` (establishment,
        late DESC, filed_at, id), index-only; those (at most ``limit`` x establishments) are
        sorted and only the ``limit`` winners are fetched whole. A plain ORDER BY over the
        ward would read and sort every pending row of the ward first."""
        establishments_sql, params = (
            self.establishments.order_by().values("pk").query.sql_with_params()
        )
        conditions = ["d.establishment_id = e.pk", "d.review_status = %s"]
        params = [*params, ReviewStatus.PENDING]
        if self.kind:
            conditions.append("d.kind = %s")
            params.append(self.kind)
        if after is not None:
            # late DESC, then (filed_at, id) ascending: false sorts after true.
            conditions.append("(d.late < %s OR (d.late = %s AND (d.filed_at, d.id) > (%s, %s)))")
            params += [after.late, after.late, after.filed_at, after.id]
        winners = f"""
            SELECT c.id FROM ({establishments_sql}) AS e
            CROSS JOIN LATERAL (
                SELECT d.id, d.late, d.filed_at FROM guests_declaration AS d
                WHERE {" AND ".join(conditions)}
                ORDER BY d.late DESC, d.filed_at, d.id LIMIT %s
            ) AS c
            ORDER BY c.late DESC, c.filed_at, c.id LIMIT %s
        """  # noqa: S608 - only placeholders and our own compiled SQL are interpolated
        return (
            Declaration.objects.filter(pk__in=RawSQL(winners, [*params, limit, limit]))  # noqa: S611
            .select_related("establishment")
            .order_by(*ORDER)
        )

    def count(self) -> int:
        pending = Declaration.objects.filter(
            establishment__in=self.establishments, review_status=ReviewStatus.PENDING
        )
        return (pending.filter(kind=self.kind) if self.kind else pending).count()


@dataclass
class Page:
    rows: list[Declaration]
    next_cursor: Cursor | None


def page_of(query: InboxQuery, *, after: Cursor | None, size: int = PAGE_SIZE) -> Page:
    """One page of the inbox in one query: one row more than the page tells whether there is
    a next page, without counting."""
    rows = list(query.rows(after=after, limit=size + 1))
    if len(rows) > size:
        return Page(rows=rows[:size], next_cursor=Cursor.after(rows[size - 1]))
    return Page(rows=rows, next_cursor=None)
