"""The ward's search and the access log that records it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from ..access import commanded_ward_or_403, officer_ward_or_403
from ..models import AccessAction, AccessLog
from ..services import log_access
from .forms import AccessLogFilter, SearchForm
from .queries import RESULT_LIMIT, SearchKind, search_declarations

ACCESS_LOG_PAGE = 50


@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    # POST, not GET: guests' names and document numbers must not end up in URLs (browser
    # history, proxy and server logs).
    ward = officer_ward_or_403(request.user)
    form = SearchForm(request.POST if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        query = form.cleaned_data["q"]
        result = search_declarations(ward=ward, query=query)
        log_access(
            request,
            ward=ward,
            action=AccessAction.SEARCH,
            query=query,
            document=result.kind == SearchKind.DOCUMENT,
            results=result.count,
        )
    return render(
        request,
        "wards/search.html",
        {"ward": ward, "form": form, "result": result, "limit": RESULT_LIMIT},
    )


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _parse_cursor(value: str) -> tuple[datetime, int] | None:
    """Where the next page starts: '<microseconds since the epoch>.<id>' of the last row shown."""
    try:
        micros, pk = (int(part) for part in value.split("."))
        return EPOCH + timedelta(microseconds=micros), pk
    except (ValueError, OverflowError):
        return None


def _cursor(row: AccessLog) -> str:
    return f"{(row.at - EPOCH) // timedelta(microseconds=1)}.{row.pk}"


@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    ward = commanded_ward_or_403(request.user)
    form = AccessLogFilter(request.GET or None, ward=ward)
    rows = AccessLog.objects.filter(ward=ward)
    filters: dict[str, str] = {}
    if form.is_valid():
        if form.cleaned_data["officer"]:
            rows = rows.filter(user_id=form.cleaned_data["officer"])
            filters["officer"] = str(form.cleaned_data["officer"])
        if form.cleaned_data["action"]:
            rows = rows.filter(action=form.cleaned_data["action"])
            filters["action"] = form.cleaned_data["action"]
    # Keyset pagination on (at, id): a page costs the same on the first day and after years.
    cursor = _parse_cursor(request.GET.get("after", ""))
    if cursor:
        at, pk = cursor
        rows = rows.filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
    page = list(
        rows.select_related("user", "declaration__establishment").order_by("-at", "-id")[
            : ACCESS_LOG_PAGE + 1
        ]
    )
    next_url = ""
    if len(page) > ACCESS_LOG_PAGE:
        page = page[:ACCESS_LOG_PAGE]
        next_url = "?" + urlencode({**filters, "after": _cursor(page[-1])})
    first_url = "?" + urlencode(filters) if cursor else ""
    return render(
        request,
        "wards/access_log.html",
        {
            "ward": ward,
            "form": form,
            "rows": page,
            "next_url": next_url,
            "first_url": first_url,
            "result_limit": RESULT_LIMIT,
        },
    )
