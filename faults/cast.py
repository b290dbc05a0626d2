"""The people and places of the fault runs, made in the private database through the models.

Imported only after ``PrivateStack.apply_environment()`` and ``django.setup()``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import close_old_connections, connections
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from establishments.models import Establishment, Kind, Staff, Status
from guests.models import Declaration
from luutru.models import Officer, Province, Role, User, Ward
from wards.models import Flag, Notification, NotificationChannel

PASSWORD = "fault-run-password-2026"  # noqa: S105 - a throwaway database's accounts
_hashed: str | None = None


def _password() -> str:
    # One hash for every account: the production hasher costs a third of a second each.
    global _hashed
    if _hashed is None:
        _hashed = make_password(PASSWORD)
    return _hashed


@dataclass
class Receptionist:
    username: str
    totp_key: bytes

    def token(self) -> str:
        return f"{TOTP(self.totp_key).token():06d}"


@dataclass
class Site:
    """A ward with one establishment, its owner and a ward officer, and its receptionists."""

    name: str
    ward: Ward
    establishment: Establishment
    receptionists: list[Receptionist] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)


def make_site(name: str, *, code: int, receptionists: int, with_email: bool) -> Site:
    province, _ = Province.objects.get_or_create(
        code=1,
        defaults={"name": "Thành phố Hà Nội", "division_type": "thành phố", "codename": "ha_noi"},
    )
    ward = Ward.objects.create(
        code=code,
        name=f"Phường {name}",
        division_type="phường",
        codename=f"faults_{name}",
        province=province,
    )
    establishment = Establishment.objects.create(
        ward=ward,
        name=f"Khách sạn {name}",
        code=f"F{code}",
        kind=Kind.HOTEL,
        address=f"{code} Hàng Bạc",
        room_count=500,
        status=Status.ACTIVE,
    )
    site = Site(name=name, ward=ward, establishment=establishment)
    owner_email = f"owner-{name}@faults.example" if with_email else ""
    officer_email = f"officer-{name}@faults.example" if with_email else ""
    owner = _user(f"owner-{name}", Role.OWNER, owner_email)
    Staff.objects.create(user=owner, establishment=establishment)
    officer = _user(f"officer-{name}", Role.WARD_OFFICER, officer_email)
    Officer.objects.create(user=officer, ward=ward)
    site.emails = [e for e in (owner_email, officer_email) if e]
    for i in range(receptionists):
        user = _user(f"desk-{name}-{i}", Role.RECEPTIONIST, "")
        Staff.objects.create(user=user, establishment=establishment)
        # Receptionists here must use 2FA (the establishment's default): each logs in with a
        # TOTP code like the one an authenticator app shows.
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        site.receptionists.append(Receptionist(user.username, device.bin_key))
    return site


def _user(username: str, role: str, email: str) -> User:
    return User.objects.create(
        username=username, password=_password(), role=role, email=email, full_name=username
    )


def overdue_stays(site: Site, n: int, *, due_at: datetime) -> int:
    """``n`` foreigners staying at ``site`` whose overdue check comes at ``due_at``, through
    the real model (document numbers encrypted), in bulk."""
    desk = User.objects.get(username=site.receptionists[0].username)
    now = timezone.now()
    batch: list[Declaration] = []
    made = 0
    for i in range(n):
        arrival = now - timedelta(days=2)
        declaration = Declaration(
            establishment=site.establishment,
            kind="foreigner",
            filed_by=desk,
            submission_key=uuid.uuid4(),
            full_name=f"Overdue Guest {i}",
            sex="F",
            birth_date=date(1980, 1, 1),
            nationality="DE",
            document_type="passport",
            document_number=f"K{i:08d}",
            room=str(1000 + i),
            arrival=arrival,
            expected_departure=arrival + timedelta(days=1),
        )
        declaration.fix_at_filing(at=arrival + timedelta(hours=1), ward=site.ward)
        declaration.overdue_check_at = due_at
        declaration.review_due_at = None
        batch.append(declaration)
        if len(batch) == 2000:
            Declaration.objects.bulk_create(batch)
            made += len(batch)
            batch = []
    if batch:
        Declaration.objects.bulk_create(batch)
        made += len(batch)
    return made


# --- counting ----------------------------------------------------------------------------------


def reconnect() -> None:
    """After PostgreSQL went away: drop this process's dead connection."""
    for conn in connections.all():
        conn.close_if_unusable_or_obsolete()
    close_old_connections()
    connections.close_all()


def declarations(site: Site) -> int:
    return Declaration.objects.filter(establishment=site.establishment).count()


def flags(site: Site, kind: str) -> int:
    return Flag.objects.filter(establishment=site.establishment, kind=kind).count()


def notifications(site: Site, channel: str, *, sent: bool | None = None) -> int:
    rows = Notification.objects.filter(flag__establishment=site.establishment, channel=channel)
    if sent is not None:
        rows = rows.filter(sent_at__isnull=not sent)
    return rows.count()


def unsent_emails(site: Site) -> int:
    return notifications(site, NotificationChannel.EMAIL, sent=False)
