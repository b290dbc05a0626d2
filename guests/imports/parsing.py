"""Reading an import file as a whole: its size, encoding, delimiter and header, and its records
as cells. Nothing here knows what a guest is."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luutru.text import translatable

from .columns import COLUMN_NAMES, HEADER_REQUIRED, is_example_row

MAX_FILE_BYTES = 10 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header, size)."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(message)


def decode(content: bytes) -> str:
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            translatable(
                gettext_lazy("The file is larger than %(mb)d MB: split it into several files."),
                {"mb": MAX_FILE_BYTES // (1024 * 1024)},
            )
        )
    try:
        # utf-8-sig drops the byte order mark that spreadsheet programs put first.
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            gettext_lazy("The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again.")
        ) from None


def sniff_delimiter(first_line: str) -> str:
    # Spreadsheets in a Vietnamese or European locale write ";" (the comma is their decimal
    # point); the header has no decimals, so counting the two on it is enough.
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_header(text: str) -> tuple[list[str], str]:
    """The normalised column names of the header and the delimiter; a header we cannot use is
    an ImportFileError on line 1."""
    # The first line as the csv module sees lines: a file saved with "\r" alone ends it there.
    first_line = io.StringIO(text, newline="").readline().rstrip("\r\n")
    if not first_line.strip():
        raise ImportFileError(
            gettext_lazy("The file is empty: the first line must be the header."), line=1
        )
    delimiter = sniff_delimiter(first_line)
    try:
        cells = next(csv.reader([first_line], delimiter=delimiter))
    except csv.Error:
        raise ImportFileError(unreadable_line(), line=1) from None
    header = [name.strip().lower() for name in cells]
    unknown = [name for name in header if name and name not in COLUMN_NAMES]
    if unknown:
        raise ImportFileError(
            translatable(
                gettext_lazy("Unknown columns: %(columns)s. The columns are: %(known)s."),
                {"columns": ", ".join(unknown), "known": ", ".join(COLUMN_NAMES)},
            ),
            line=1,
        )
    missing = [name for name in HEADER_REQUIRED if name not in header]
    if missing:
        raise ImportFileError(
            translatable(
                gettext_lazy("The header lacks these columns: %(columns)s."),
                {"columns": ", ".join(missing)},
            ),
            line=1,
        )
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        raise ImportFileError(
            translatable(
                gettext_lazy("These columns appear twice in the header: %(columns)s."),
                {"columns": ", ".join(duplicated)},
            ),
            line=1,
        )
    return header, delimiter


def check_file(content: bytes) -> None:
    """The checks that need no row (size, encoding, header), and that the file is not the
    template's example rows alone. The upload page runs them at once."""
    text = decode(content)
    header, delimiter = read_header(text)
    examples = 0
    for _line, cells in read_records(text, delimiter):
        if not is_example_row(row_values(header, cells)):
            return
        examples += 1
    if examples:
        raise ImportFileError(
            _(
                "This file holds only the template's example guests: put your guests in their "
                "place and upload it again."
            )
        )


def row_values(header: list[str], cells: list[str]) -> dict[str, str]:
    return {name: cell.strip() for name, cell in zip(header, cells, strict=False) if name}


def read_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, cells) for each data record, skipping blank ones."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    try:
        next(reader)
        previous_end = reader.line_num
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield start, cells
    except csv.Error:
        # A cell over the csv module's field limit (128 KiB): no guest has one.
        raise ImportFileError(unreadable_line(), line=previous_end + 1) from None


def unreadable_line() -> Promise:
    return gettext_lazy("This line cannot be read as CSV: a cell is far too long.")
