"""A sponsoring organisation's registration: filed online, decided by the immigration office
of its province, its account issued on approval with a one-time set-password link."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luutru.accounts import send_set_password_links, set_password_path
from luutru.models import Role, User

from ..models import Sponsor, SponsorStaff, SponsorStatus


class DuplicateSubmission(Exception):
    """The same registration page was sent twice: the first one was filed."""


class AlreadyDecided(Exception):
    """Another officer (or a second click) decided this registration first."""


@dataclass(frozen=True)
class SponsorApproval:
    sponsor: Sponsor
    account: User
    # The set-password link, also e-mailed to the contact: shown once to the officer, who may
    # have to read it out on the phone when the e-mail does not arrive.
    url: str


SPONSOR_FIELDS = (
    "name",
    "kind",
    "registration_number",
    "address",
    "province",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def submit_sponsor(*, data: dict) -> Sponsor:
    """File a registration from the form's cleaned data."""
    try:
        # A savepoint, so that the refused INSERT does not spoil an outer transaction.
        with transaction.atomic():
            return Sponsor.objects.create(
                submission_key=data.get("submission"),
                applied_at=timezone.now(),
                **{name: data[name] for name in SPONSOR_FIELDS},
            )
    except IntegrityError as error:
        # The unique submission key: the page sent twice, the first one filed (its key's
        # constraint is Django's unnamed one, so it is told by the row it collided with).
        key = data.get("submission")
        if key and Sponsor.objects.filter(submission_key=key).exists():
            raise DuplicateSubmission from error
        raise


def account_username(sponsor: Sponsor) -> str:
    # "tc" for tổ chức; the province's code keeps the office's own accounts apart at a glance.
    return f"tc{sponsor.province.code:02d}-{sponsor.pk:05d}"


@transaction.atomic
def approve_sponsor(*, sponsor: Sponsor, officer: User, base_url: str) -> SponsorApproval:
    """Approve the organisation and open its account, e-mailing the contact its link."""
    now = timezone.now()
    # Compare-and-set: of two officers (or two clicks) deciding at once, one wins.
    won = Sponsor.objects.filter(pk=sponsor.pk, status=SponsorStatus.PENDING).update(
        status=SponsorStatus.ACTIVE, decided_at=now, decided_by=officer
    )
    if won != 1:
        raise AlreadyDecided
    sponsor.refresh_from_db()
    account = User(
        username=account_username(sponsor),
        role=Role.SPONSOR,
        full_name=sponsor.contact_name,
        email=sponsor.contact_email,
        phone=sponsor.contact_phone,
    )
    account.set_unusable_password()
    account.save()
    SponsorStaff.objects.create(user=account, sponsor=sponsor)
    # Sent before the commit, as for establishments: if the mail server refuses, the approval
    # rolls back and the officer can try again.
    send_set_password_links(
        to=sponsor.contact_email,
        base_url=base_url,
        accounts=[account],
        intro=_(
            "The immigration office of %(province)s has approved the registration of %(name)s "
            "as a sponsoring organisation. Set the password of its account with the link below. "
            "After your first login you will set up two-factor authentication with an "
            "authenticator app on your phone."
        )
        % {"province": sponsor.province.name, "name": sponsor.name},
    )
    url = f"{base_url.rstrip('/')}{set_password_path(account)}"
    return SponsorApproval(sponsor=sponsor, account=account, url=url)


@transaction.atomic
def refuse_sponsor(*, sponsor: Sponsor, officer: User, reason: str) -> None:
    """Refuse the registration and tell the contact why."""
    won = Sponsor.objects.filter(pk=sponsor.pk, status=SponsorStatus.PENDING).update(
        status=SponsorStatus.REFUSED,
        decided_at=timezone.now(),
        decided_by=officer,
        refusal_reason=reason,
    )
    if won != 1:
        raise AlreadyDecided
    sponsor.refresh_from_db()
    send_mail(
        subject=_("Your registration as a sponsoring organisation was not approved"),
        message=_(
            "The immigration office of %(province)s has not approved the registration of "
            "%(name)s.\n\nReason:\n%(reason)s\n\n"
            "You may register again once the matter is resolved."
        )
        % {"province": sponsor.province.name, "name": sponsor.name, "reason": reason},
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[sponsor.contact_email],
    )
