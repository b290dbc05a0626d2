from __future__ import annotations

from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import TokenForm
from .middleware import has_confirmed_device
from .models import BackupCodeDevice, Role

ROLE_HOMES = {
    Role.RECEPTIONIST: "establishments:desk",
    Role.OWNER: "establishments:owner_home",
    Role.WARD_OFFICER: "wards:officer_home",
    Role.WARD_COMMANDER: "wards:officer_home",
    Role.IMMIGRATION_OFFICER: "wards:immigration_home",
    Role.SITE_ADMIN: "admin:index",
}


def home(request: HttpRequest) -> HttpResponse:
    return redirect(ROLE_HOMES[request.user.role])


def admin_login(request: HttpRequest) -> HttpResponse:
    """Where Django's admin sends whoever it refuses. Only logged-in users get here (the login
    itself is ours): a site administrator goes on to the admin, anyone else is refused, rather
    than bounced between the admin and the login page for ever."""
    if request.user.role == Role.SITE_ADMIN:
        return redirect("admin:index")
    raise PermissionDenied


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request, "luutru/privacy.html", {"retention_days": settings.GUEST_DATA_RETENTION_DAYS}
    )


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path only: redirect() would take a bare word such as "0" for a URL name and fail.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _second_factor_passed(request: HttpRequest, device) -> None:
    otp_login(request, device)
    # A new session key after the second factor, as after the password.
    request.session.cycle_key()


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def otp_enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    if has_confirmed_device(user) and not user.is_verified():
        # Enrolling again must not become a way round the second factor.
        return redirect(f"{reverse('otp_verify')}?next={_safe_next(request)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            _second_factor_passed(request, device)
            backup, _created = BackupCodeDevice.objects.get_or_create(
                user=user, defaults={"name": _("Backup codes")}
            )
            codes = backup.generate_codes()
            return render(
                request,
                "luutru/backup_codes.html",
                {"codes": codes, "next": _safe_next(request), "just_enrolled": True},
            )
        form.add_error("token", _("This code is not right. Check the time on your phone."))
    return render(
        request,
        "luutru/otp_enrol.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": _base32(device.bin_key),
            "next": _safe_next(request),
        },
    )


def _base32(key: bytes) -> str:
    from base64 import b32encode

    raw = b32encode(key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect(_safe_next(request))
    if not has_confirmed_device(user):
        return redirect(f"{reverse('otp_enrol')}?next={_safe_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            _second_factor_passed(request, device)
            if isinstance(device, BackupCodeDevice):
                messages.warning(
                    request,
                    _("You used a backup code. %(count)s remain.") % {"count": device.remaining()},
                )
            return redirect(_safe_next(request))
        form.add_error("token", _("This code is not right or has already been used."))
    return render(request, "luutru/otp_verify.html", {"form": form, "next": _safe_next(request)})


def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    backup = BackupCodeDevice.objects.filter(user=user, confirmed=True).first()
    return render(
        request,
        "luutru/account.html",
        {
            "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "backup_remaining": backup.remaining() if backup else 0,
        },
    )


@require_POST
def otp_backup_codes(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        return redirect("otp_verify")
    backup, _created = BackupCodeDevice.objects.get_or_create(
        user=request.user, defaults={"name": _("Backup codes")}
    )
    codes = backup.generate_codes()
    return render(request, "luutru/backup_codes.html", {"codes": codes, "next": reverse("account")})
