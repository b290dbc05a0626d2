"""Bulk upload of guests from a CSV file: the upload page, the batch page and its progress."""

from __future__ import annotations

import logging
from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError

from establishments.access import establishment_for
from luutru.formats import show_datetime

from . import access, csv_import, tasks
from .models import ImportBatch, ImportStatus

logger = logging.getLogger(__name__)

RECENT_BATCHES = 20


# --- access -------------------------------------------------------------------------------------


# --- the form -----------------------------------------------------------------------------------


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("UTF-8, comma or semicolon separated, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > csv_import.MAX_FILE_BYTES:
            raise ValidationError(
                _("The file is larger than %(mb)d MB: split it into several files.")
                % {"mb": csv_import.MAX_FILE_BYTES // (1024 * 1024)},
                code="too_large",
            )
        self.content = upload.read()
        try:
            csv_import.check_file(self.content)
        except csv_import.ImportFileError as e:
            raise ValidationError(e.message, code="file") from None
        return upload


# --- views --------------------------------------------------------------------------------------


def _enqueue(batch_id: int, language: str) -> None:
    try:
        tasks.run_import.delay(batch_id, language)
    except OperationalError:
        # The batch is safe in PostgreSQL and stays queued; a sweep of queued batches is to
        # re-enqueue it once the broker is back (not written yet, see the README).
        logger.warning("import %s stays queued: the broker is unavailable", batch_id, exc_info=True)


def import_upload(request: HttpRequest) -> HttpResponse:
    establishment = establishment_for(request.user)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                batch = csv_import.create_import_batch(
                    establishment=establishment,
                    uploaded_by=request.user,
                    filename=form.cleaned_data["file"].name,
                    content=form.content,
                )
            except csv_import.ImportAlreadyUploaded as e:
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
            transaction.on_commit(partial(_enqueue, batch.pk, translation.get_language() or "vi"))
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
            "columns": csv_import.COLUMNS,
            "max_rows": csv_import.MAX_ROWS,
        },
    )


def import_template(request: HttpRequest) -> HttpResponse:
    establishment_for(request.user)
    response = HttpResponse(
        # The byte order mark makes Excel read the file as UTF-8.
        "\ufeff" + csv_import.template_csv(),
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
    errors, error_count = csv_import.batch_errors(batch)
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
