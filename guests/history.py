"""A declaration's history as the page shows it: each version with what it changed (old → new)
and the police's decisions, in the order they happened. Pure: it reads rows already fetched."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime

from luutru.formats import show_date, show_datetime

from .models import (
    GUEST_FIELDS,
    STAY_FIELDS,
    Declaration,
    DeclarationVersion,
    DocumentType,
    ReviewEvent,
    Sex,
)

DATETIME_FIELDS = frozenset({"arrival", "expected_departure"})
DATE_FIELDS = frozenset({"birth_date", "document_expiry", "visa_expiry", "entry_date"})
CHOICES = {"sex": Sex, "document_type": DocumentType}


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: datetime
    version: DeclarationVersion | None = None
    review: ReviewEvent | None = None
    changes: list[Change] = field(default_factory=list)


def show(name: str, value: Any) -> str:
    """A snapshot value (JSON: dates as ISO strings) as the page shows it."""
    if value in (None, ""):
        return "—"
    if name in DATETIME_FIELDS:
        moment = parse_datetime(value) if isinstance(value, str) else value
        return show_datetime(moment) if moment else str(value)
    if name in DATE_FIELDS:
        day = parse_date(value) if isinstance(value, str) else value
        return show_date(day) if isinstance(day, date) else str(value)
    if name in CHOICES:
        try:
            return str(CHOICES[name](value).label)
        except ValueError:
            return str(value)
    return str(value)


def _same(name: str, old: Any, new: Any) -> bool:
    if name in DATETIME_FIELDS and isinstance(old, str) and isinstance(new, str):
        # One instant written in two zones ("09:00+07:00" at filing, "02:00Z" once read back
        # from the database) is no change.
        old_moment, new_moment = parse_datetime(old), parse_datetime(new)
        if old_moment and new_moment:
            return old_moment == new_moment
    return old == new


def changes(previous: dict[str, Any], current: dict[str, Any]) -> list[Change]:
    """The fields whose value differs between two snapshots, in the order of the form."""
    return [
        Change(
            label=str(Declaration._meta.get_field(name).verbose_name).capitalize(),
            old=show(name, previous.get(name)),
            new=show(name, current.get(name)),
        )
        for name in GUEST_FIELDS + STAY_FIELDS
        if not _same(name, previous.get(name), current.get(name))
    ]


def history(versions: list[DeclarationVersion], reviews: list[ReviewEvent]) -> list[Entry]:
    entries = []
    previous: dict[str, Any] | None = None
    for version in sorted(versions, key=lambda v: v.number):
        entry = Entry(at=version.created_at, version=version)
        if previous is not None:
            entry.changes = changes(previous, version.data)
        previous = version.data
        entries.append(entry)
    entries.extend(Entry(at=review.at, review=review) for review in reviews)
    # A version and a review at the same instant: the version came first (it was reviewed).
    return sorted(entries, key=lambda e: (e.at, e.review is not None))


@dataclass
class Record:
    """A declaration's versions and reviews, oldest first, and the history they make: what
    its page shows, for the front desk and the police alike."""

    versions: list[DeclarationVersion]
    reviews: list[ReviewEvent]
    entries: list[Entry]


def record_of(declaration: Declaration) -> Record:
    versions = list(declaration.versions.select_related("created_by"))
    reviews = list(declaration.reviews.select_related("by"))
    return Record(versions, reviews, history(versions, reviews))
