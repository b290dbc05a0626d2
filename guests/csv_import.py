"""Bulk upload of guests from a CSV file (the export of a hotel's property-management software).

A file is filed whole or not at all. Every row is first checked with the same forms the front
desk uses (so a rule is written once and the messages are the same); only if no row has an
error are all rows filed, in one transaction. Re-running the job on the same batch files nothing
twice: each row's submission key is derived from the file's keyed hash and its line number.
The file itself is kept encrypted, and only until its batch is filed or refused.

The column set is documented on the upload page and in the README; ``COLUMNS`` is the one
source of both and of the downloadable template.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from establishments.models import Establishment
from luutru.models import User
from luutru.text import translatable

from . import deadlines, documents
from .forms import (
    CitizenForm,
    ForeignerForm,
    StayForm,
    already_staying_error,
    check_entry_dates,
    nationality_choices,
)
from .models import (
    DOCUMENT_CONSTRAINT,
    Declaration,
    DeclarationKind,
    DocumentType,
    ImportBatch,
    ImportStatus,
)
from .nationalities import NATIONALITY_LABELS, country_for_code
from .services import guest_submission_key, record_filing

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_STORED_ERRORS = 200
PROGRESS_EVERY = 500

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
]

# A namespace of our own for the per-file keys (uuid5 of the file's keyed hash: a key derived
# from a plain SHA-256 would be one more way to confirm a guessed file).
IMPORT_NAMESPACE = uuid.UUID("5b1f3c5e-8d0a-4d8e-9a53-7c2f1e6b9d40")


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

FOREIGNER_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "nationality",
    "document_type",
    "document_number",
    "document_expiry",
    "visa_number",
    "visa_expiry",
    "entry_port",
    "entry_date",
)
CITIZEN_FIELDS = ("full_name", "sex", "birth_date", "document_number", "reason")
STAY_FIELDS = ("room", "arrival", "expected_departure")


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header, size)."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(message)


class ImportAlreadyUploaded(Exception):
    """The same file was uploaded before for this establishment and not refused."""

    def __init__(self, earlier: ImportBatch) -> None:
        self.earlier = earlier
        super().__init__(f"same file as import {earlier.pk}")


# --- the forms, as the import uses them ---------------------------------------------------------


def _set_formats(form: Any) -> None:
    # The desk's forms take the browser's date inputs; a CSV has its own, unambiguous formats
    # (never the US month-first one Django would otherwise try).
    for name, f in form.fields.items():
        if name in ("arrival", "expected_departure"):
            f.input_formats = DATETIME_FORMATS
        elif name.endswith("_date") or name.endswith("_expiry"):
            f.input_formats = DATE_FORMATS


class _CodeField(forms.ChoiceField):
    """The nationality choice of the desk's form, checked against the set of its codes: the
    desk builds its sorted, translated list for every form, too slow for 10,000 rows."""

    def valid_value(self, value: str) -> bool:
        return value in nationality_codes()


@functools.cache
def nationality_codes() -> frozenset[str]:
    codes = set()
    for value, label in nationality_choices():
        if isinstance(label, list | tuple):
            codes.update(code for code, _label in label)
        elif value:
            codes.add(value)
    return frozenset(codes)


class ImportForeignerForm(ForeignerForm):
    nationality = _CodeField(label=ForeignerForm.base_fields["nationality"].label, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_formats(self)

    def check_not_staying(self) -> None:
        # Done for the whole file in one query (see _check_documents).
        pass


class ImportCitizenForm(CitizenForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_formats(self)

    def check_not_staying(self) -> None:
        pass


class ImportStayForm(StayForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_formats(self)


KIND_FORMS: dict[str, type[ImportForeignerForm] | type[ImportCitizenForm]] = {
    DeclarationKind.FOREIGNER: ImportForeignerForm,
    DeclarationKind.CITIZEN: ImportCitizenForm,
}


class FormCache:
    """One instance of each form, bound again to every row.

    Building a form deep-copies all its fields, which was half the time of a 10,000-row check;
    re-binding is what ``full_clean`` starts from anyway (it resets errors and cleaned data).
    """

    def __init__(self) -> None:
        self._forms: dict[type, forms.BaseForm] = {}

    def bind(self, form_class: type, data: dict[str, Any], **kwargs: Any) -> Any:
        form = self._forms.get(form_class)
        if form is None:
            form = self._forms[form_class] = form_class(data, **kwargs)
            return form
        form.data = data
        form._errors = None
        form.cleaned_data = {}
        return form


# --- reading ------------------------------------------------------------------------------------


@dataclass
class Row:
    line: int
    kind: str
    guest: dict[str, Any]
    stay: dict[str, Any]


@dataclass
class CheckResult:
    total: int = 0
    rows: list[Row] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, line: int | None, column: str, message: str | Promise) -> None:
        """``message`` lazy where it can be, so that the stored errors can be written in every
        language (_store_errors) and read in the reader's."""
        self.errors.append({"line": line, "field": column, "message": ErrorText(message)})


class ErrorText(str):
    """An error's text in the active language that still knows its lazy source, to be written
    again in the other languages."""

    source: str | Promise

    def __new__(cls, message: str | Promise) -> ErrorText:
        text = super().__new__(cls, str(message))
        text.source = message
        return text


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
    for _line, cells in _records(text, delimiter):
        if not is_example_row(_row_values(header, cells)):
            return
        examples += 1
    if examples:
        raise ImportFileError(
            _(
                "This file holds only the template's example guests: put your guests in their "
                "place and upload it again."
            )
        )


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


def _row_values(header: list[str], cells: list[str]) -> dict[str, str]:
    return {name: cell.strip() for name, cell in zip(header, cells, strict=False) if name}


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
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


def _nationality(value: str) -> str:
    code = value.strip().upper()
    if len(code) == 3 or code == "D":
        if code in NATIONALITY_LABELS:
            return code
        return country_for_code(code) or code
    return code


def _form_errors(result: CheckResult, line: int, form: Any) -> None:
    for name, errors in form.errors.as_data().items():
        column = "" if name == "__all__" else name
        for error in errors:
            for each in error.error_list:
                result.error(line, column, translatable(each.message, each.params))


def check_rows(
    *,
    content: bytes,
    establishment: Establishment,
    progress: Callable[[int, int], None] | None = None,
) -> CheckResult:
    """Read and check every row, as the desk's forms would; nothing is written.

    A file-level problem is one error without a line. ``progress(done, total)`` is called every
    PROGRESS_EVERY rows.
    """
    result = CheckResult()
    try:
        text = decode(content)
        header, delimiter = read_header(text)
        records = list(_records(text, delimiter))
    except ImportFileError as e:
        result.error(e.line, "", e.message)
        return result

    result.total = len(records)
    if not records:
        result.error(None, "", gettext_lazy("The file has a header but no guests."))
        return result
    if len(records) > MAX_ROWS:
        result.error(
            None,
            "",
            translatable(
                gettext_lazy(
                    "The file has %(count)d guests; at most %(max)d can be uploaded at once."
                ),
                {"count": len(records), "max": MAX_ROWS},
            ),
        )
        return result

    batch_key = uuid.uuid5(IMPORT_NAMESPACE, documents.file_hash(content))
    width = len(header)
    seen: dict[tuple[str, str, str], int] = {}
    forms_cache = FormCache()
    with timezone.override(deadlines.LOCAL_TZ):
        for done, (line, cells) in enumerate(records, start=1):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, result.total)
            if len(cells) > width:
                result.error(
                    line,
                    "",
                    translatable(
                        gettext_lazy("This line has %(cells)d cells; the header has %(columns)d."),
                        {"cells": len(cells), "columns": width},
                    ),
                )
                continue
            values = _row_values(header, cells)
            if is_example_row(values):
                result.error(line, "", example_row_message())
                continue
            row = _check_row(result, line, values, establishment, batch_key, forms_cache)
            if row is None:
                continue
            key = (
                row.guest["document_type"],
                row.guest["nationality"],
                row.guest["document_number"],
            )
            if key in seen:
                result.error(
                    line,
                    "document_number",
                    translatable(
                        gettext_lazy("The same document is on line %(line)d too."),
                        {"line": seen[key]},
                    ),
                )
                continue
            seen[key] = line
            result.rows.append(row)

    _check_documents(result, establishment)
    if progress is not None:
        progress(result.total, result.total)
    return result


def _check_row(
    result: CheckResult,
    line: int,
    values: dict[str, str],
    establishment: Establishment,
    batch_key: uuid.UUID,
    forms_cache: FormCache,
) -> Row | None:
    kind = values.get("kind", "").lower()
    form_class = KIND_FORMS.get(kind)
    if form_class is None:
        result.error(line, "kind", gettext_lazy("Write “foreigner” or “citizen”."))
        return None
    if kind == DeclarationKind.FOREIGNER:
        data = {name: values.get(name, "") for name in FOREIGNER_FIELDS}
        data["nationality"] = _nationality(data["nationality"])
        data["document_type"] = data["document_type"].lower() or DocumentType.PASSPORT
    else:
        data = {name: values.get(name, "") for name in CITIZEN_FIELDS}
    guest_form = forms_cache.bind(form_class, data, establishment=establishment)
    stay_data = {name: values.get(name, "") for name in STAY_FIELDS}
    stay_data["submission_key"] = str(guest_submission_key(batch_key, line))
    stay_form = forms_cache.bind(ImportStayForm, stay_data)
    guest_ok, stay_ok = guest_form.is_valid(), stay_form.is_valid()
    if guest_ok and stay_ok:
        guest_ok = check_entry_dates([guest_form], stay_form)
    if not (guest_ok and stay_ok):
        _form_errors(result, line, guest_form)
        _form_errors(result, line, stay_form)
        return None
    return Row(line=line, kind=kind, guest=guest_form.guest_data(), stay=stay_form.cleaned_data)


def _check_documents(result: CheckResult, establishment: Establishment) -> None:
    """Documents already staying at the establishment: one query for the whole file."""
    if not result.rows:
        return
    ours = {row.stay["submission_key"] for row in result.rows}
    staying = {
        (document_type, nationality, number_hash)
        for document_type, nationality, number_hash, key in Declaration.objects.staying()
        .filter(
            establishment=establishment,
            document_hash__in={
                documents.document_hash(row.guest["document_number"]) for row in result.rows
            },
        )
        .values_list("document_type", "nationality", "document_hash", "submission_key")
        # Filed by this very file (a retried job): not a conflict, file_import skips them.
        if key not in ours
    }
    if not staying:
        return
    message = already_staying_error().message
    kept = []
    for row in result.rows:
        key = (
            row.guest["document_type"],
            row.guest["nationality"],
            documents.document_hash(row.guest["document_number"]),
        )
        if key in staying:
            result.error(row.line, "document_number", message)
        else:
            kept.append(row)
    result.rows = kept
    result.errors.sort(key=lambda e: e["line"] or 0)


# --- the services -------------------------------------------------------------------------------


@transaction.atomic
def create_import_batch(
    *, establishment: Establishment, uploaded_by: User, filename: str, content: bytes
) -> ImportBatch:
    """Store an uploaded file, encrypted, as a queued batch. The same file (by its keyed hash)
    uploaded again while the first is queued, being checked or filed raises
    ImportAlreadyUploaded."""
    sha256 = documents.file_hash(content)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                establishment=establishment,
                uploaded_by=uploaded_by,
                uploaded_at=timezone.now(),
                filename=filename[:200],
                sha256=sha256,
                content=content,
                total_rows=0,
            )
    except IntegrityError:
        earlier = (
            ImportBatch.objects.filter(establishment=establishment, sha256=sha256)
            .exclude(status=ImportStatus.FAILED)
            .defer("content")
            .first()
        )
        if earlier is None:
            raise
        raise ImportAlreadyUploaded(earlier) from None
    return batch


def _store_errors(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The first errors, each written in every language of the portal: the batch page is read
    by the uploader, a colleague or the owner, each in their own."""
    items = []
    for error in errors[:MAX_STORED_ERRORS]:
        messages = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                messages[code] = str(getattr(error["message"], "source", error["message"]))
        items.append({"line": error["line"], "field": error["field"], "messages": messages})
    return {"count": len(errors), "items": items}


def batch_errors(batch: ImportBatch) -> tuple[list[dict[str, Any]], int]:
    """The first errors stored, in the active language, and how many there were in all.
    Batches refused before the errors were stored in every language keep their one text."""
    stored = batch.errors or {}
    if isinstance(stored, list):
        stored = {"items": stored, "count": len(stored)}
    language = translation.get_language() or settings.LANGUAGE_CODE
    items = [
        {
            "line": item["line"],
            "field": item["field"],
            "message": item["messages"].get(language, item["messages"][settings.LANGUAGE_CODE])
            if "messages" in item
            else item["message"],
        }
        for item in stored.get("items", [])
    ]
    return items, stored.get("count", 0)


def run_import(*, batch_id: int, language: str | None = None) -> ImportBatch:
    """Check a queued batch and file it whole, or refuse it with its errors.

    Not one transaction on purpose: the progress of the check is committed as it goes so that
    the batch page can show it; the filing itself (``file_import``) is one atomic block. Safe to
    run again on the same batch (a retried or redelivered task): a batch filed or refused is
    left alone, and the filing step files nothing twice.
    """
    batch = ImportBatch.objects.select_related("establishment__ward", "uploaded_by").get(
        pk=batch_id
    )
    if batch.status in (ImportStatus.FILED, ImportStatus.FAILED):
        return batch
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING)

    def progress(done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.CHECKING).update(
            processed_rows=done, total_rows=total
        )

    with translation.override(language or translation.get_language()):
        result = check_rows(
            content=bytes(batch.content), establishment=batch.establishment, progress=progress
        )
        if result.errors:
            return _refuse(batch=batch, result=result)
        try:
            return file_import(batch=batch, rows=result.rows)
        except IntegrityError as e:
            # A guest of the file was filed at the desk while we checked: check again, which
            # now reports them as already staying.
            if getattr(getattr(e.__cause__, "diag", None), "constraint_name", None) != (
                DOCUMENT_CONSTRAINT
            ):
                raise
            result = check_rows(content=bytes(batch.content), establishment=batch.establishment)
            return _refuse(batch=batch, result=result)


def _refuse(*, batch: ImportBatch, result: CheckResult) -> ImportBatch:
    batch.status = ImportStatus.FAILED
    batch.errors = _store_errors(result.errors)
    batch.total_rows = result.total
    batch.processed_rows = result.total
    batch.finished_at = timezone.now()
    # The file goes in the very UPDATE that refuses it: nothing reads a refused file again
    # (the errors are stored apart), and the receptionist uploads a corrected one.
    batch.content = b""
    batch.save(
        update_fields=["status", "errors", "total_rows", "processed_rows", "finished_at", "content"]
    )
    return batch


@transaction.atomic
def file_import(*, batch: ImportBatch, rows: list[Row]) -> ImportBatch:
    """File every checked row of a batch in one transaction, with its deadline and late mark
    fixed now and its version 1, and mark the batch filed."""
    # Two workers on one batch (a redelivered task): the second waits here, then finds it filed.
    batch = (
        ImportBatch.objects.select_for_update()
        .select_related("establishment__ward")
        .defer("content")
        .get(pk=batch.pk)
    )
    if batch.status == ImportStatus.FILED:
        return batch
    establishment = batch.establishment
    keys = [row.stay["submission_key"] for row in rows]
    already = Declaration.objects.filter(
        establishment=establishment, submission_key__in=keys
    ).count()
    now = timezone.now()
    filed_by = batch.uploaded_by
    if not already:
        declarations = []
        for row in rows:
            declaration = Declaration(
                establishment=establishment,
                kind=row.kind,
                filed_by_id=batch.uploaded_by_id,
                filed_at=now,
                submission_key=row.stay["submission_key"],
                room=row.stay["room"],
                arrival=row.stay["arrival"],
                expected_departure=row.stay["expected_departure"],
                **row.guest,
            )
            declaration.fix_at_filing(at=now, ward=establishment.ward)
            declarations.append(declaration)
        Declaration.objects.bulk_create(declarations, batch_size=2000)
        record_filing(declarations, filed_by=filed_by, at=now)
        already = len(declarations)
    batch.status = ImportStatus.FILED
    batch.filed = already
    batch.total_rows = len(rows)
    batch.processed_rows = len(rows)
    batch.errors = []
    batch.finished_at = now
    # Its guests are now in their declarations: the file goes in the transaction that files
    # them (its keyed hash stays, to refuse a second upload).
    batch.content = b""
    batch.save(
        update_fields=[
            "status",
            "filed",
            "total_rows",
            "processed_rows",
            "errors",
            "finished_at",
            "content",
        ]
    )
    return batch


# --- the template ------------------------------------------------------------------------------


def template_csv(*, now: datetime | None = None) -> str:
    """The header and two example rows, arriving an hour ago."""
    now = deadlines.to_local(now or timezone.now()).replace(second=0, microsecond=0)
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


# A batch still queued this long after its upload was never taken by a worker: the broker was
# down when it was enqueued, or the message was lost with Redis.
QUEUED_TOO_LONG = timedelta(minutes=2)


def requeue_stale_imports(*, now: datetime | None = None) -> int:
    """Enqueue again every batch left queued; returns how many. Reads only queued batches
    (partial index ``import_queued``). Safe to overlap with a worker that does take the first
    message: ``run_import`` leaves a filed or refused batch alone and files nothing twice."""
    from .tasks import run_import

    now = now or timezone.now()
    stale = list(
        ImportBatch.objects.filter(
            status=ImportStatus.QUEUED, uploaded_at__lt=now - QUEUED_TOO_LONG
        ).values_list("pk", flat=True)
    )
    for batch_id in stale:
        run_import.delay(batch_id)
    return len(stale)
