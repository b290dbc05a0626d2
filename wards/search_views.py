"""The ward's search and the access log that records it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django import forms
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from luutru.models import Officer, Ward

from .access import commanded_ward_or_403, officer_ward_or_403
from .accesslog import log_access
from .models import AccessAction, AccessLog
from .search import (
    MIN_NAME_LENGTH,
    RESULT_LIMIT,
    QueryTooShort,
    SearchKind,
    parse_query,
    search_declarations,
)

ACCESS_LOG_PAGE = 50


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or document number"),
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "enterkeyhint": "search",
                "autofocus": True,
            }
        ),
    )

    def clean_q(self) -> str:
        query = self.cleaned_data["q"].strip()
        try:
            parse_query(query)
        except QueryTooShort:
            raise forms.ValidationError(
                _("Type at least %(count)d letters of a name, or a whole document number."),
                code="too_short",
                params={"count": MIN_NAME_LENGTH},
            ) from None
        return query


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


class AccessLogFilter(forms.Form):
    officer = forms.TypedChoiceField(
        label=_("Officer"), required=False, coerce=int, empty_value=None
    )
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args, ward: Ward, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        officers = (
            Officer.objects.filter(ward=ward)
            .select_related("user")
            .order_by("user__full_name", "user__username")
        )
        self.fields["officer"].choices = [("", _("Everyone"))] + [
            (o.user_id, str(o.user)) for o in officers
        ]
        self.fields["action"].choices = [("", _("Every action")), *AccessAction.choices]


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
