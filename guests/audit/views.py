"""The owner's audit: every submission of the establishment, a per-staff summary, a CSV export.

Owners only. A receptionist gets a 403: the audit is the owner's oversight of the staff, and a
receptionist already sees the guests staying now and opens any declaration of the
establishment from there. Like every page of a logged-in user, these are marked ``no-store``
(luutru.headers): they are personal data.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import access, documents
from ..deadlines import to_local
from . import export, queries
from .forms import AuditFilterForm, SummaryForm


@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    establishment = access.audited_establishment(request.user)
    # Always bound: no filter at all is a valid request for everything.
    form = AuditFilterForm(request.GET, establishment=establishment)
    page = None
    page_range: list[int | str] = []
    status = 200
    if form.is_valid():
        declarations = form.apply(queries.audit_declarations(establishment))
        page = Paginator(declarations, queries.PAGE_SIZE).get_page(request.GET.get("page"))
        for declaration in page:
            declaration.masked_document = documents.mask(declaration.document_number)
        page_range = list(page.paginator.get_elided_page_range(page.number))
    else:
        status = 400
    return render(
        request,
        "guests/audit.html",
        {
            "establishment": establishment,
            "form": form,
            "page": page,
            "page_range": page_range,
            "sorts": queries.SORTING.links(form.cleaned_data.get("sort")),
        },
        status=status,
    )


@require_GET
def audit_summary(request: HttpRequest) -> HttpResponse:
    establishment = access.audited_establishment(request.user)
    form = SummaryForm(request.GET)
    rows = None
    status = 200
    if form.is_valid():
        rows = queries.staff_summary(establishment, form.filed_between())
    else:
        status = 400
    return render(
        request,
        "guests/audit_summary.html",
        {"establishment": establishment, "form": form, "rows": rows},
        status=status,
    )


@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    establishment = access.audited_establishment(request.user)
    form = AuditFilterForm(request.GET, establishment=establishment)
    if not form.is_valid():
        # The audit page shows what is wrong with these filters.
        return redirect(f"{reverse('guests:audit')}?{request.GET.urlencode()}")
    declarations = form.apply(queries.audit_declarations(establishment))
    response = StreamingHttpResponse(
        (
            line.encode("utf-8")
            for line in export.export_rows(
                declarations.iterator(chunk_size=2000),
                header=export.export_columns(),
                labels=export.export_labels(),
            )
        ),
        content_type="text/csv; charset=utf-8",
    )
    stamp = to_local(timezone.now()).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{establishment.code}-{stamp}.csv"'
    )
    return response
