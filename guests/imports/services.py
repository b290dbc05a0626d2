"""Bulk upload of guests from a CSV file (the export of a hotel's property-management software).

A file is filed whole or not at all. Every row is first checked with the same forms the front
desk uses (so a rule is written once and the messages are the same); only if no row has an
error are all rows filed, in one transaction. Re-running the job on the same batch files nothing
twice: each row's submission key is derived from the file's keyed hash and its line number.
The file itself is kept encrypted, and only until its batch is filed or refused.

The file is read in imports.parsing, its rows checked in imports.rows; this module stores,
files or refuses the batch. The column set is in imports.columns.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from establishments.models import Establishment
from luutru.db import constraint_name
from luutru.models import User
from luutru.queue import enqueue_after_commit

from .. import documents
from ..models import DOCUMENT_CONSTRAINT, Declaration, ImportBatch, ImportStatus
from ..services import record_filing
from . import rows as checking
from .rows import CheckResult, Row

MAX_STORED_ERRORS = 200


class ImportAlreadyUploaded(Exception):
    """The same file was uploaded before for this establishment and not refused."""

    def __init__(self, earlier: ImportBatch) -> None:
        self.earlier = earlier
        super().__init__(f"same file as import {earlier.pk}")


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
        result = checking.check_rows(
            content=bytes(batch.content), establishment=batch.establishment, progress=progress
        )
        if result.errors:
            return _refuse(batch=batch, result=result)
        try:
            return file_import(batch=batch, rows=result.rows)
        except IntegrityError as e:
            # A guest of the file was filed at the desk while we checked: check again, which
            # now reports them as already staying.
            if constraint_name(e) != DOCUMENT_CONSTRAINT:
                raise
            result = checking.check_rows(
                content=bytes(batch.content), establishment=batch.establishment
            )
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


# A batch still queued this long after its upload was never taken by a worker: the broker was
# down when it was enqueued, or the message was lost with Redis.
QUEUED_TOO_LONG = timedelta(minutes=2)


def requeue_stale_imports(*, now: datetime | None = None) -> int:
    """Enqueue again every batch left queued; returns how many. Reads only queued batches
    (partial index ``import_queued``). Safe to overlap with a worker that does take the first
    message: ``run_import`` leaves a filed or refused batch alone and files nothing twice."""
    from .. import tasks  # the tasks module imports this one

    now = now or timezone.now()
    stale = list(
        ImportBatch.objects.filter(
            status=ImportStatus.QUEUED, uploaded_at__lt=now - QUEUED_TOO_LONG
        ).values_list("pk", flat=True)
    )
    for batch_id in stale:
        enqueue_after_commit(tasks.run_import, batch_id)
    return len(stale)
