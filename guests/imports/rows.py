"""Checking every row of an import file with the desk's forms; nothing is written.

A file is filed whole or not at all (imports.services): only a file with no error in any row
goes on to be filed. Each row's submission key is derived from the file's keyed hash and its
line number, so that filing the same file again files nothing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from establishments.models import Establishment
from luutru.text import translatable

from .. import deadlines, documents
from ..forms import already_staying_error, check_entry_dates
from ..models import (
    CITIZEN_FIELDS,
    FOREIGNER_FIELDS,
    STAY_FIELDS,
    Declaration,
    DeclarationKind,
    DocumentType,
)
from ..nationalities import NATIONALITY_LABELS, country_for_code
from ..services import guest_submission_key
from .columns import example_row_message, is_example_row
from .forms import KIND_FORMS, FormCache, ImportStayForm
from .parsing import ImportFileError, decode, read_header, read_records, row_values

MAX_ROWS = 20_000
PROGRESS_EVERY = 500

# A namespace of our own for the per-file keys (uuid5 of the file's keyed hash: a key derived
# from a plain SHA-256 would be one more way to confirm a guessed file).
IMPORT_NAMESPACE = uuid.UUID("5b1f3c5e-8d0a-4d8e-9a53-7c2f1e6b9d40")


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
        records = list(read_records(text, delimiter))
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
            values = row_values(header, cells)
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
