from __future__ import annotations

import time
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from . import throttle
from .clientip import client_ip
from .forms import AuthenticationForm, EnrolForm, PasswordResetForm, TokenForm
from .http import safe_next
from .middleware import has_confirmed_device
from .models import BackupCodeDevice, Role, User

ROLE_HOMES = {
    Role.RECEPTIONIST: "guests:desk",
    Role.OWNER: "establishments:owner_home",
    Role.WARD_OFFICER: "wards:officer_home",
    Role.WARD_COMMANDER: "wards:officer_home",
    Role.IMMIGRATION_OFFICER: "immigration:queue",
    Role.SPONSOR: "immigration:applications",
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


def _second_factor_passed(request: HttpRequest, device) -> None:
    otp_login(request, device)
    # A new session key after the second factor, as after the password.
    request.session.cycle_key()


def _too_many(response: HttpResponse, retry_after: int) -> HttpResponse:
    response.status_code = 429
    response["Retry-After"] = str(retry_after)
    return response


class LoginView(auth_views.LoginView):
    """Django's log-in, throttled (luutru.throttle): a throttled attempt is a 429 with
    Retry-After; the password and a second-factor code typed together log in at once; a
    successful browser is remembered for the account."""

    authentication_form = AuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.retry_after:
            return _too_many(response, form.retry_after)
        return response

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        if form.otp_device is not None:
            _second_factor_passed(self.request, form.otp_device)
        throttle.trust_browser(self.request, response, form.get_user())
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset-by-e-mail, rate-limited per address (a visible refusal) and per account
    (silently: the page must not tell whether an address has an account)."""

    form_class = PasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        now = timezone.now()
        window = settings.PASSWORD_RESET_WINDOW
        address = client_ip(self.request) or "unknown"
        counter = throttle.hit(throttle.RESET_ADDRESS, address, window=window, now=now)
        if counter.count > settings.PASSWORD_RESET_ADDRESS_LIMIT:
            wait = max(1, int((counter.window_start + window - now).total_seconds()))
            form.add_error(
                None,
                _("Too many password reset requests from this network. Try again in %(wait)s.")
                % {"wait": throttle.wait_words(wait)},
            )
            return _too_many(self.form_invalid(form), wait)
        email = form.cleaned_data["email"].strip().casefold()
        counter = throttle.hit(throttle.RESET_ACCOUNT, email, window=window, now=now)
        if counter.count > settings.PASSWORD_RESET_ACCOUNT_LIMIT:
            return redirect(self.get_success_url())
        return super().form_valid(form)


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


ENROL_KEY_SESSION = "luutru_otp_enrol_key"


def _new_code_matches(key: str, token: str) -> bool:
    """Check a code against a key not yet saved as a device: django-otp's verify_token saves
    the device, and a GET or a wrong code must leave no device behind."""
    device = TOTPDevice(key=key)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return token.isdigit() and totp.verify(int(token), device.tolerance)


def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app. The key waits in the session until a code from it is typed:
    nothing is created before that. Replacing an existing second factor also takes the password
    and a code of the current one (or a backup code): a session left open on a desk PC must not
    be enough to move the account's second factor to somebody else's phone."""
    user = request.user
    replacing = has_confirmed_device(user)
    if replacing and not user.is_verified():
        # Enrolling again must not become a way round the second factor.
        return redirect(f"{reverse('otp_verify')}?next={safe_next(request, reverse('home'))}")
    key = request.session.get(ENROL_KEY_SESSION)
    if not key:
        key = request.session[ENROL_KEY_SESSION] = random_hex(20)
    form = EnrolForm(request.POST or None, replacing=replacing)
    if request.method == "POST" and form.is_valid():
        if _enrolment_confirmed(request, form, key, replacing):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).delete()
                device = TOTPDevice.objects.create(
                    user=user, key=key, name=_("Authenticator app"), confirmed=True
                )
                backup, _created = BackupCodeDevice.objects.get_or_create(
                    user=user, defaults={"name": _("Backup codes")}
                )
                codes = backup.generate_codes()
            del request.session[ENROL_KEY_SESSION]
            _second_factor_passed(request, device)
            return render(
                request,
                "luutru/backup_codes.html",
                {
                    "codes": codes,
                    "next": safe_next(request, reverse("home")),
                    "just_enrolled": True,
                },
            )
    device = TOTPDevice(user=user, key=key, name=_("Authenticator app"))
    return render(
        request,
        "luutru/otp_enrol.html",
        {
            "form": form,
            "replacing": replacing,
            "qr_svg": _qr_svg(device.config_url),
            "secret": _base32(device.bin_key),
            "next": safe_next(request, reverse("home")),
        },
    )


def _enrolment_confirmed(request: HttpRequest, form: EnrolForm, key: str, replacing: bool) -> bool:
    user = request.user
    if replacing:
        if not user.check_password(form.cleaned_data["password"]):
            # A wrong password here is a guess like one at the log-in page.
            throttle.LoginGuard(request, user.username).failed()
            form.add_error("password", _("This password is not right."))
            return False
        if match_token(user, form.cleaned_data["current_token"]) is None:
            form.add_error("current_token", _("This code is not right or has already been used."))
            return False
    if not _new_code_matches(key, form.cleaned_data["token"]):
        form.add_error("token", _("This code is not right. Check the time on your phone."))
        return False
    return True


def _base32(key: bytes) -> str:
    from base64 import b32encode

    raw = b32encode(key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect(safe_next(request, reverse("home")))
    if not has_confirmed_device(user):
        return redirect(f"{reverse('otp_enrol')}?next={safe_next(request, reverse('home'))}")
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
            return redirect(safe_next(request, reverse("home")))
        form.add_error("token", _("This code is not right or has already been used."))
    return render(
        request,
        "luutru/otp_verify.html",
        {"form": form, "next": safe_next(request, reverse("home"))},
    )


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


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's own page has inline styles, which the CSP blocks: ours is in the site's
    layout. The reason stays in the server log, not on the page."""
    return render(request, "luutru/csrf_failure.html", status=403)


_LAST_RESORT_500 = (
    '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Lưu trú</title>'
    "<h1>Đã xảy ra lỗi trên máy chủ</h1><p>Vui lòng thử lại sau ít phút.</p>"
    '<h1 lang="en">Server error</h1><p lang="en">Please try again in a few minutes.</p></html>'
)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, rendered without the request: no context processor, so no user, session
    or database query, which may be what has just failed. If even the template cannot be
    rendered (static files missing, a broken template), a plain page in both languages."""
    try:
        body = loader.get_template("500.html").render()
    except Exception:  # noqa: BLE001 - the error page must not fail in turn
        body = _LAST_RESORT_500
    return HttpResponseServerError(body)


@login_not_required
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, which also keeps a logged-in person's choice (User.language)
    for what the portal writes to them later, such as e-mails."""
    response = set_language(request)
    language = request.POST.get("language")
    user = request.user
    if (
        request.method == "POST"
        and user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and language != user.language
    ):
        User.objects.filter(pk=user.pk).update(language=language)
    return response
