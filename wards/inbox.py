"""The review inbox: what the police of a ward have still to confirm or return, and beats.

The inbox is read with keyset pagination: the "next" link carries the last row's sort key
(late, filed_at, id), so page 400 costs what page 1 costs and a declaration confirmed by a
colleague in between neither repeats a row nor skips one. It reads the partial index
``declaration_inbox`` (guests), which holds only pending rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from establishments.models import Establishment
from guests.models import Declaration, ReviewStatus
from luutru.models import Beat, Officer, Role, User, Ward

PAGE_SIZE = 25
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def declarations_of_ward(ward: Ward) -> QuerySet[Declaration]:
    """Every declaration filed with an establishment of the ward, nothing else."""
    return Declaration.objects.filter(establishment__ward=ward)


def get_declaration_of_ward_or_404(ward: Ward, pk: int) -> Declaration:
    """One declaration of the ward; another ward's id is a 404, as if it did not exist."""
    declaration = (
        declarations_of_ward(ward)
        .select_related("establishment__application", "establishment__beat", "filed_by")
        .filter(pk=pk)
        .first()
    )
    if declaration is None:
        raise Http404
    return declaration


def declarations_of_ward_or_404(ward: Ward, ids: Iterable[int]) -> list[Declaration]:
    """All the declarations asked for, or a 404 if any one of them is not the ward's (or does
    not exist): a bulk action with a stranger's id in it does nothing at all."""
    wanted = set(ids)
    found = list(declarations_of_ward(ward).filter(pk__in=wanted).order_by("pk"))
    if not wanted or len(found) != len(wanted):
        raise Http404
    return found


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


# --- beats --------------------------------------------------------------------------------------


@transaction.atomic
def create_beat(*, ward: Ward, name: str) -> Beat:
    return Beat.objects.create(ward=ward, name=name.strip())


@transaction.atomic
def assign_beat(
    *, beat: Beat, establishments: Iterable[Establishment], officers: Iterable[Officer]
) -> None:
    """Make the beat hold exactly these establishments and officers (all of its ward): those
    no longer chosen leave the beat, those chosen leave any other beat they were in."""
    establishment_ids = {e.pk for e in establishments}
    officer_ids = {o.pk for o in officers}
    ward_establishments = Establishment.objects.filter(ward=beat.ward_id)
    ward_establishments.filter(beat=beat).exclude(pk__in=establishment_ids).update(beat=None)
    ward_establishments.filter(pk__in=establishment_ids).update(beat=beat)
    ward_officers = Officer.objects.filter(ward=beat.ward_id)
    ward_officers.filter(beat=beat).exclude(pk__in=officer_ids).update(beat=None)
    ward_officers.filter(pk__in=officer_ids).update(beat=beat)
