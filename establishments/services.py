"""Workflows of registration and staff management that write several rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luutru.accounts import send_set_password_links, set_password_path
from luutru.db import constraint_name
from luutru.models import Role, User, Ward

from .models import Application, ApplicationStatus, Establishment, Staff, Status


class DuplicateApplication(Exception):
    """An identical application is already waiting for a decision."""


class AlreadyDecided(Exception):
    """Another officer (or a second click) decided this application first."""


@dataclass(frozen=True)
class Approval:
    establishment: Establishment
    owner: User
    receptionist: User


APPLICATION_FIELDS = (
    "name",
    "kind",
    "star_rating",
    "address",
    "ward",
    "business_registration_number",
    "room_count",
    "owner_name",
    "owner_phone",
    "owner_email",
)


def submit_application(*, data: dict) -> Application:
    """File an application from a form's cleaned data."""
    try:
        # A savepoint, so that the refused INSERT does not spoil an outer transaction.
        with transaction.atomic():
            return Application.objects.create(**{name: data[name] for name in APPLICATION_FIELDS})
    except IntegrityError as error:
        # The form checked for a duplicate already; this is the double-submit that raced it.
        if constraint_name(error) == "application_no_pending_duplicate":
            raise DuplicateApplication from error
        raise


def _next_code(ward: Ward) -> str:
    # Called with the ward's row locked, so two approvals in one ward cannot take one number.
    prefix = f"{ward.code}-"
    codes = Establishment.objects.filter(code__regex=rf"^{ward.code}-[0-9]+$").values_list(
        "code", flat=True
    )
    last = max((int(code.removeprefix(prefix)) for code in codes), default=0)
    return f"{prefix}{last + 1:04d}"


def _new_account(
    *, username: str, role: str, establishment: Establishment, created_by: User | None, **fields
) -> User:
    user = User(username=username, role=role, **fields)
    user.set_unusable_password()
    user.save()
    Staff.objects.create(user=user, establishment=establishment, created_by=created_by)
    return user


@transaction.atomic
def approve_application(*, application: Application, officer: User, base_url: str) -> Approval:
    """Open the establishment and issue its owner and front-desk accounts, with one e-mail to
    the owner carrying both set-password links."""
    now = timezone.now()
    # Compare-and-set: of two officers (or two clicks) deciding at once, one wins.
    won = Application.objects.filter(pk=application.pk, status=ApplicationStatus.PENDING).update(
        status=ApplicationStatus.APPROVED, decided_at=now, decided_by=officer
    )
    if won != 1:
        raise AlreadyDecided
    application.refresh_from_db()

    ward = Ward.objects.select_for_update().get(pk=application.ward_id)
    establishment = Establishment.objects.create(
        name=application.name,
        kind=application.kind,
        star_rating=application.star_rating,
        address=application.address,
        ward=ward,
        business_registration_number=application.business_registration_number,
        room_count=application.room_count,
        code=_next_code(ward),
        status=Status.ACTIVE,
        application=application,
    )
    owner = _new_account(
        username=f"{establishment.code}-owner",
        role=Role.OWNER,
        establishment=establishment,
        created_by=officer,
        full_name=application.owner_name,
        email=application.owner_email,
        phone=application.owner_phone,
    )
    receptionist = _new_account(
        username=f"{establishment.code}-desk",
        role=Role.RECEPTIONIST,
        establishment=establishment,
        created_by=officer,
        full_name=_("Front desk of %(name)s") % {"name": establishment.name},
    )
    # Sent before the commit, on purpose: if the mail server refuses, the approval rolls back
    # and the officer can try again, rather than leaving accounts nobody can open.
    send_set_password_links(
        to=application.owner_email,
        base_url=base_url,
        accounts=[owner, receptionist],
        intro=_(
            "The ward police have approved the registration of %(name)s (code %(code)s). "
            "Two accounts have been opened: yours, as owner, and one for the front desk. "
            "Set a password for each with the links below. After your first login you will "
            "set up two-factor authentication with an authenticator app on your phone."
        )
        % {"name": establishment.name, "code": establishment.code},
    )
    return Approval(establishment=establishment, owner=owner, receptionist=receptionist)


@transaction.atomic
def refuse_application(*, application: Application, officer: User, reason: str) -> None:
    """Refuse the application and tell the applicant why."""
    won = Application.objects.filter(pk=application.pk, status=ApplicationStatus.PENDING).update(
        status=ApplicationStatus.REFUSED,
        decided_at=timezone.now(),
        decided_by=officer,
        refusal_reason=reason,
    )
    if won != 1:
        raise AlreadyDecided
    application.refresh_from_db()
    send_mail(
        subject=_("Your Lưu trú registration was not approved"),
        message=_(
            "The police of %(ward)s have not approved the registration of %(name)s, "
            "%(address)s.\n\nReason:\n%(reason)s\n\n"
            "You may submit a new application once the matter is resolved."
        )
        % {
            "ward": application.ward.name,
            "name": application.name,
            "address": application.address,
            "reason": reason,
        },
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[application.owner_email],
    )


# --- the owner's staff ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedLink:
    """A one-time set-password link: e-mailed, or else shown once to the owner."""

    user: User
    url: str | None  # None when it went by e-mail


def _issue_link(*, user: User, base_url: str, intro: str) -> IssuedLink:
    if user.email:
        send_set_password_links(to=user.email, base_url=base_url, accounts=[user], intro=intro)
        return IssuedLink(user=user, url=None)
    return IssuedLink(user=user, url=f"{base_url.rstrip('/')}{set_password_path(user)}")


@transaction.atomic
def add_receptionist(
    *,
    establishment: Establishment,
    owner: User,
    full_name: str,
    username: str,
    email: str,
    base_url: str,
) -> IssuedLink:
    user = _new_account(
        username=username,
        role=Role.RECEPTIONIST,
        establishment=establishment,
        created_by=owner,
        full_name=full_name,
        email=email,
    )
    return _issue_link(
        user=user,
        base_url=base_url,
        intro=_(
            "%(owner)s has opened a front-desk account for you at %(name)s on Lưu trú. "
            "Set your password with the link below."
        )
        % {"owner": owner, "name": establishment.name},
    )


def disable_account(*, user: User) -> None:
    """Turn the account off; its open sessions end with it."""
    user.disable()


def enable_account(*, user: User) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])


@transaction.atomic
def reset_password(*, user: User, owner: User, base_url: str) -> IssuedLink:
    """Take the password away and issue a new one-time link. Whoever knew the old password
    is also logged out."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.end_sessions()
    return _issue_link(
        user=user,
        base_url=base_url,
        intro=_("%(owner)s has reset your Lưu trú password. Set a new one with the link below.")
        % {"owner": owner},
    )


@transaction.atomic
def set_receptionist_2fa_required(*, establishment: Establishment, required: bool) -> None:
    establishment.receptionist_2fa_required = required
    establishment.save(update_fields=["receptionist_2fa_required"])
