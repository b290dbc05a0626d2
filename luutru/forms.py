from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


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


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form skips accounts without a usable password. Here every new account starts
    without one (it gets a one-time link), so an owner who lost that link could never get in:
    any active account with the address gets a link."""

    def get_users(self, email: str):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if user.email.lower() == email.lower())


class AuthenticationForm(auth_forms.AuthenticationForm):
    """Django sets the username's max_length after the field is built, so no validator checks
    it: a name longer than any account's went on to django-axes, which failed to store it in
    its varchar(255) column (a server error)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
