"""The one place where two-factor authentication is enforced; limits on request bodies and
on idle sessions."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

# What a user who still owes a second factor may reach: enrolment, verification, leaving, and
# switching language. Everything else sends them to enrol or verify.
SECOND_FACTOR_EXEMPT_VIEWS = frozenset(
    {"otp_enrol", "otp_verify", "logout", "set_language", "healthz"}
)


def has_confirmed_device(user) -> bool:
    from django_otp import devices_for_user

    return any(True for _device in devices_for_user(user, confirmed=True))


class SecondFactorRequiredMiddleware:
    """Runs after django-otp's OTPMiddleware, which sets `request.user.is_verified()`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True):
            return None  # a public page: the login form, the registration form
        match = request.resolver_match
        if match is not None and match.url_name in SECOND_FACTOR_EXEMPT_VIEWS:
            return None
        if not user.requires_second_factor():
            return None
        target = "otp_verify" if has_confirmed_device(user) else "otp_enrol"
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(reverse(target) + (f"?{query}" if query else ""))


class RequestBodyLimitMiddleware:
    """Refuse an oversized request body before anything reads it.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count file parts, and CSRF is checked only
    after the body is parsed: a 300 MB multipart POST to the log-in page used to be spooled to
    disk before being refused. First in MIDDLEWARE, so this `process_view` runs before the CSRF
    middleware's, which reads the body. The upload pages (`UPLOAD_VIEWS`) get a larger limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest(_("Bad request."), content_type="text/plain")
        match = request.resolver_match
        if match is not None and match.view_name in settings.UPLOAD_VIEWS:
            limit = settings.UPLOAD_BODY_MAX_BYTES
        else:
            limit = settings.REQUEST_BODY_MAX_BYTES
        if length <= limit:
            return None
        response = HttpResponse(
            _("The request is too large (at most %(mb)s MB).")
            % {"mb": f"{limit / (1024 * 1024):.0f}"},
            status=413,
            content_type="text/plain; charset=utf-8",
        )
        # The body was never read: the connection cannot carry another request.
        response["Connection"] = "close"
        return response


class IdleTimeoutMiddleware:
    """Log out a session left alone for SESSION_IDLE_TIMEOUT (a desk PC shared by a shift).
    The last-seen time is set at log-in (``stamp_login``) and then written at most once a
    minute, so it costs no session write per request."""

    KEY = "_luutru_seen"
    RESOLUTION = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(self.KEY)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            if seen is not None and now - seen > idle:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)d minutes without activity.")
                    % {"minutes": idle // 60},
                )
            elif seen is None or now - seen >= self.RESOLUTION:
                request.session[self.KEY] = now
        return self.get_response(request)


def stamp_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """``user_logged_in`` receiver: a new session starts as seen now."""
    if request is not None and hasattr(request, "session"):
        request.session[IdleTimeoutMiddleware.KEY] = int(time.time())


def remember_language(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """``user_logged_in`` receiver: the language the person logged in with is the one the
    portal writes to them in (User.language)."""
    language = getattr(request, "LANGUAGE_CODE", None)
    if language and language != user.language:
        user._meta.model.objects.filter(pk=user.pk).update(language=language)
        user.language = language
