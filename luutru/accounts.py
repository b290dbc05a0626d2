"""Issuing accounts: one-time set-password links."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import BackupCodeDevice, User


def set_password_path(user: User) -> str:
    """A link that sets the password once: the token is tied to the current password hash, so
    it stops working the moment a password is set (and after PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def send_set_password_links(*, to: str, base_url: str, accounts: list[User], intro: str) -> None:
    lines = [intro, ""]
    for account in accounts:
        lines.append(f"{account.get_role_display()}: {account.username}")
        lines.append(f"  {base_url.rstrip('/')}{set_password_path(account)}")
    lines += ["", _("Each link can be used once and expires in three days.")]
    send_mail(
        subject=_("Your Lưu trú accounts"),
        message="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[to],
    )


def reset_second_factor(*, user: User) -> None:
    """Forget the user's authenticator and backup codes. Their sessions end too: a session
    left open would let whoever holds it enrol a new authenticator in the user's name."""
    TOTPDevice.objects.filter(user=user).delete()
    BackupCodeDevice.objects.filter(user=user).delete()
    user.end_sessions()
