"""The audit's CSV export: streamed, in the reader's language, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.utils.translation import gettext as _

from .. import documents
from ..deadlines import to_local
from ..models import Declaration, DeclarationKind, DocumentType, ReviewStatus, Sex

# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
