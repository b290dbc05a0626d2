"""Flag pages: the ward's flags (officers and commanders), an establishment's flags (its
owner), resolving one with a note, and the in-app notifications of any user."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from establishments.access import owned_establishment
from luutru.http import is_id, safe_path
from luutru.models import WARD_ROLES

from ..access import flags_for, get_flag_for_user, officer_ward_or_403
from ..models import FlagKind
from . import services
from .forms import ResolveForm
from .notifications import flag_message, in_app_for, mark_read
from .queries import OPEN_SHOWN, RESOLVED_SHOWN


def _ward_context(request: HttpRequest, forms_by_flag: dict[int, ResolveForm]) -> dict[str, Any]:
    ward = officer_ward_or_403(request.user)
    kind = request.GET.get("kind", "")
    if kind not in FlagKind.values:
        kind = ""
    flags = flags_for(request.user)
    open_flags = flags.open()
    counts = dict(
        open_flags.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    if kind:
        open_flags = open_flags.filter(kind=kind)
    return {
        "ward": ward,
        "kind": kind,
        "kinds": [(value, label, counts.get(value, 0)) for value, label in FlagKind.choices],
        "open_flags": list(open_flags[:OPEN_SHOWN]),
        "resolved_flags": list(flags.resolved().order_by("-resolved_at")[:RESOLVED_SHOWN]),
        "forms_by_flag": forms_by_flag,
        "next": request.get_full_path(),
    }


def _establishment_context(
    request: HttpRequest, forms_by_flag: dict[int, ResolveForm]
) -> dict[str, Any]:
    establishment = owned_establishment(request.user)
    flags = flags_for(request.user)
    return {
        "establishment": establishment,
        "open_flags": list(flags.open()[:OPEN_SHOWN]),
        "resolved_flags": list(flags.resolved().order_by("-resolved_at")[:RESOLVED_SHOWN]),
        "forms_by_flag": forms_by_flag,
        "next": request.get_full_path(),
    }


def ward_flags(request: HttpRequest) -> HttpResponse:
    return render(request, "wards/flags.html", _ward_context(request, {}))


def establishment_flags(request: HttpRequest) -> HttpResponse:
    return render(request, "wards/flags_establishment.html", _establishment_context(request, {}))


@require_POST
def resolve_flag(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_flag_for_user(request.user, pk)
    form = ResolveForm(request.POST)
    is_police = request.user.role in WARD_ROLES
    if not form.is_valid():
        if is_police:
            context = _ward_context(request, {flag.pk: form})
            return render(request, "wards/flags.html", context, status=400)
        context = _establishment_context(request, {flag.pk: form})
        return render(request, "wards/flags_establishment.html", context, status=400)
    if services.resolve_flag(
        flag=flag, by=request.user, note=form.cleaned_data["resolution"], at=timezone.now()
    ):
        messages.success(request, _("The flag was resolved."))
    else:
        messages.info(request, _("This flag had already been resolved."))
    next_url = safe_path(request, request.POST.get("next", ""))
    if next_url is not None:
        return redirect(next_url)
    return redirect("wards:flags" if is_police else "wards:establishment_flags")


def notifications(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        raise PermissionDenied
    items = list(
        in_app_for(request.user).select_related("flag__establishment", "flag__declaration")[:100]
    )
    for item in items:
        if item.flag is not None:
            # In the reader's language, not the one stored when the sweep wrote the row.
            item.subject, item.body = flag_message(item.flag)
    unread = in_app_for(request.user).filter(read_at__isnull=True).count()
    return render(request, "wards/notifications.html", {"items": items, "unread": unread})


@require_POST
def mark_notifications_read(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        raise PermissionDenied
    pk = request.POST.get("pk", "")
    # Another user's notification id is filtered out by the recipient: nothing happens.
    mark_read(user=request.user, pk=int(pk) if is_id(pk) else None)
    return redirect("wards:notifications")
