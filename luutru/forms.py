from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django_otp import match_token

from .throttle import LoginGuard, wait_words


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=24,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip().replace(" ", "")


class AuthenticationForm(auth_forms.AuthenticationForm):
    """The log-in form, with the throttle of `luutru.throttle` in front of the password check.

    Django sets the username's max_length after the field is built, so no validator checks it:
    a name longer than any account's used to reach the database (a server error)."""

    token = forms.CharField(
        label=_("Two-factor code"),
        required=False,
        max_length=24,
        widget=forms.HiddenInput,
        help_text=_("The six-digit code from your authenticator app, or a backup code."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
        self.retry_after = 0
        self.otp_device = None
        self.guard: LoginGuard | None = None
        if self.is_bound and self.data.get("token"):
            self.show_token()

    def show_token(self) -> None:
        self.fields["token"].widget = forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text"}
        )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip().replace(" ", "")

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        self.guard = guard = LoginGuard(self.request, username)
        token = self.cleaned_data.get("token", "")
        address_wait = guard.address_wait()
        if address_wait:
            self.retry_after = address_wait
            raise ValidationError(
                _("Too many failed log-in attempts from this network. Try again in %(wait)s."),
                code="throttled",
                params={"wait": wait_words(address_wait)},
            )
        account_wait = guard.account_wait()
        if account_wait and not token:
            # The password is not even checked: waiting is the only way to guess again.
            self.retry_after = account_wait
            self.show_token()
            raise ValidationError(
                _(
                    "Too many failed log-in attempts for this account. Try again in %(wait)s, "
                    "or type your password together with the code from your authenticator app "
                    "(or a backup code) to log in now."
                ),
                code="throttled",
                params={"wait": wait_words(account_wait)},
            )
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is not None and account_wait:
            # During the wait only the second factor vouches for the password.
            self.otp_device = match_token(self.user_cache, token)
            if self.otp_device is None:
                self.user_cache = None
        if self.user_cache is None:
            guard.failed()
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        guard.succeeded()
        return self.cleaned_data


class EnrolForm(TokenForm):
    """The code of the new authenticator; when it replaces one, also the password and a code
    of the current second factor."""

    password = forms.CharField(
        label=_("Your password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    current_token = forms.CharField(
        label=_("A code from your current authenticator app, or a backup code"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )

    field_order = ["password", "current_token", "token"]

    def __init__(self, *args, replacing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if replacing:
            self.fields["token"].label = _("Code from the new authenticator app")
            self.fields["password"].required = True
            self.fields["current_token"].required = True
            self.fields["token"].widget.attrs.pop("autofocus", None)
            self.fields["password"].widget.attrs["autofocus"] = True
        else:
            del self.fields["password"]
            del self.fields["current_token"]

    def clean_current_token(self) -> str:
        return self.cleaned_data["current_token"].strip().replace(" ", "")


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form skips accounts without a usable password. Here every new account starts
    without one (it gets a one-time link), so an owner who lost that link could never get in:
    any active account with the address gets a link."""

    def get_users(self, email: str):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if user.email.lower() == email.lower())
