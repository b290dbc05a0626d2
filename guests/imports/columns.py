"""The columns of an import file: the one source of the upload page's table, the README's
and the downloadable template."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from ..deadlines import to_local


@dataclass(frozen=True)
class Column:
    name: str
    description: Promise
    # For each kind: REQUIRED, OPTIONAL or UNUSED (left blank, ignored if filled).
    foreigner: str
    citizen: str
    example_foreigner: str
    example_citizen: str


REQUIRED, OPTIONAL, UNUSED = "required", "optional", "unused"

COLUMNS: tuple[Column, ...] = (
    Column(
        "kind",
        gettext_lazy("“foreigner” or “citizen” (a Vietnamese citizen)."),
        REQUIRED,
        REQUIRED,
        "foreigner",
        "citizen",
    ),
    Column(
        "full_name",
        gettext_lazy("As in the document; accents are kept as typed."),
        REQUIRED,
        REQUIRED,
        "MÜLLER Anna Lena",
        "Nguyễn Văn An",
    ),
    Column("sex", gettext_lazy("M, F or X (X: foreigners only)."), REQUIRED, REQUIRED, "F", "M"),
    Column(
        "birth_date",
        gettext_lazy("YYYY-MM-DD or DD/MM/YYYY."),
        REQUIRED,
        REQUIRED,
        "1988-04-12",
        "03/07/1990",
    ),
    Column(
        "nationality",
        gettext_lazy(
            "ISO 3166 code of two letters (DE) or three (DEU), or an ICAO code (D, XXA, UNO…)."
        ),
        REQUIRED,
        UNUSED,
        "DEU",
        "",
    ),
    Column(
        "document_type",
        gettext_lazy("“passport” (the default) or “other” travel document."),
        OPTIONAL,
        UNUSED,
        "passport",
        "",
    ),
    Column(
        "document_number",
        gettext_lazy("Passport number; for citizens the 12-digit personal identification number."),
        REQUIRED,
        REQUIRED,
        "C01X00T47",
        "001090012345",
    ),
    Column("document_expiry", gettext_lazy("YYYY-MM-DD or DD/MM/YYYY."), OPTIONAL, UNUSED, "", ""),
    Column("visa_number", gettext_lazy("Visa number."), OPTIONAL, UNUSED, "", ""),
    Column("visa_expiry", gettext_lazy("YYYY-MM-DD or DD/MM/YYYY."), OPTIONAL, UNUSED, "", ""),
    Column("entry_port", gettext_lazy("Port of entry."), OPTIONAL, UNUSED, "Nội Bài", ""),
    Column("entry_date", gettext_lazy("YYYY-MM-DD or DD/MM/YYYY."), OPTIONAL, UNUSED, "", ""),
    Column("reason", gettext_lazy("Reason for stay."), UNUSED, OPTIONAL, "", "Công tác"),
    Column("room", gettext_lazy("Room number."), REQUIRED, REQUIRED, "101", "102"),
    Column(
        "arrival",
        gettext_lazy("Local time (Hà Nội), YYYY-MM-DD HH:MM; not in the future."),
        REQUIRED,
        REQUIRED,
        "",
        "",
    ),
    Column(
        "expected_departure",
        gettext_lazy("Local time, YYYY-MM-DD HH:MM; after the arrival."),
        REQUIRED,
        REQUIRED,
        "",
        "",
    ),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
# Without these the file cannot be read at all; the others may be left out of the header.
HEADER_REQUIRED = tuple(c.name for c in COLUMNS if REQUIRED in (c.foreigner, c.citizen))


# The times of the template's rows change with every download: the rest is the same.
EXAMPLE_SKIPPED = ("arrival", "expected_departure")


def is_example_row(values: dict[str, str]) -> bool:
    """A row of the downloadable template left as it came: its example guests are made up."""
    return any(
        all(
            values.get(column.name, "") == getattr(column, f"example_{which}")
            for column in COLUMNS
            if column.name not in EXAMPLE_SKIPPED
        )
        for which in ("foreigner", "citizen")
    )


def example_row_message() -> Promise:
    return gettext_lazy(
        "This is an example guest of the template: replace it with a real guest or delete it."
    )


def template_csv(*, now: datetime | None = None) -> str:
    """The header and two example rows, arriving an hour ago."""
    now = to_local(now or timezone.now()).replace(second=0, microsecond=0)
    arrival = (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    departure = (now + timedelta(days=2)).replace(hour=12, minute=0).strftime("%Y-%m-%d %H:%M")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    for which in ("foreigner", "citizen"):
        row = []
        for column in COLUMNS:
            if column.name == "arrival":
                row.append(arrival)
            elif column.name == "expected_departure":
                row.append(departure)
            else:
                row.append(getattr(column, f"example_{which}"))
        writer.writerow(row)
    return out.getvalue()
