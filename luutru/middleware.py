"""The one place where two-factor authentication is enforced."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

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
