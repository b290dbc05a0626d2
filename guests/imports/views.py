"""Bulk upload of guests from a CSV file: the upload page, the batch page and its progress."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from luutru.formats import show_datetime
from luutru.queue import enqueue_after_commit

from .. import access, tasks
from ..models import ImportBatch, ImportStatus
from . import columns, rows, services
from .forms import ImportUploadForm

RECENT_BATCHES = 20


def import_upload(request: HttpRequest) -> HttpResponse:
    establishment = access.establishment_of(request.user)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                batch = services.create_import_batch(
                    establishment=establishment,
                    uploaded_by=request.user,
                    filename=form.cleaned_data["file"].name,
                    content=form.content,
                )
            except services.ImportAlreadyUploaded as e:
                messages.error(
                    request,
                    _(
                        "This file was already uploaded on %(date)s (%(status)s); it is not "
                        "filed again."
                    )
                    % {
                        # Local time, as the batch page it leads to shows it (the value is
                        # UTC, strftime would print it so).
                        "date": show_datetime(e.earlier.uploaded_at),
                        "status": e.earlier.get_status_display(),
                    },
                )
                return redirect("guests:import_detail", pk=e.earlier.pk)
            # The batch is safe in PostgreSQL if the broker is down: it stays queued and the
            # requeue-stale-imports sweep enqueues it again.
            enqueue_after_commit(tasks.run_import, batch.pk, translation.get_language() or "vi")
            messages.success(request, _("File received: its guests are being checked."))
            return redirect("guests:import_detail", pk=batch.pk)
    else:
        form = ImportUploadForm()
    return render(
        request,
        "guests/import.html",
        {
            "form": form,
            "batches": access.import_batches_for(request.user)[:RECENT_BATCHES],
            "columns": columns.COLUMNS,
            "max_rows": rows.MAX_ROWS,
        },
    )


def import_template(request: HttpRequest) -> HttpResponse:
    access.establishment_of(request.user)
    response = HttpResponse(
        # The byte order mark makes Excel read the file as UTF-8.
        "\ufeff" + columns.template_csv(),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="luutru-import-template.csv"'
    return response


def _progress(batch: ImportBatch) -> dict[str, object]:
    total = batch.total_rows
    percent = 100 if batch.finished_at else (100 * batch.processed_rows // total if total else 0)
    return {
        "status": batch.status,
        "status_display": batch.get_status_display(),
        "processed_rows": batch.processed_rows,
        "total_rows": total,
        "filed": batch.filed,
        "percent": percent,
        "finished": batch.status in (ImportStatus.FILED, ImportStatus.FAILED),
    }


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.get_import_batch_for_user(request.user, pk)
    errors, error_count = services.batch_errors(batch)
    return render(
        request,
        "guests/import_detail.html",
        {
            "batch": batch,
            "progress": _progress(batch),
            "errors": errors,
            "error_count": error_count,
            "more_errors": error_count - len(errors),
            "progress_url": reverse("guests:import_progress", args=[batch.pk]),
        },
    )


def import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    batch = access.get_import_batch_for_user(request.user, pk)
    return JsonResponse(_progress(batch))
