from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class Role(models.TextChoices):
    RECEPTIONIST = "receptionist", _("Receptionist")
    OWNER = "owner", _("Owner")
    WARD_OFFICER = "ward_officer", _("Ward officer")
    WARD_COMMANDER = "ward_commander", _("Ward commander")
    IMMIGRATION_OFFICER = "immigration_officer", _("Immigration officer")
    SPONSOR = "sponsor", _("Sponsoring organisation")
    SITE_ADMIN = "site_admin", _("Site administrator")


ESTABLISHMENT_ROLES = frozenset({Role.RECEPTIONIST, Role.OWNER})
WARD_ROLES = frozenset({Role.WARD_OFFICER, Role.WARD_COMMANDER})


class LuutruUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.SITE_ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in. What they belong to is a membership row in the app that owns it:
    `establishments.Staff` (receptionist, owner), `wards.Officer` (officer, commander),
    `wards.ImmigrationOfficer` (a province), so this model does not reach into the apps."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The language last chosen on the site (at login, or with the switch): what the portal
    # writes to this person when no request is there to ask, e.g. a sweep's e-mail.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )

    objects = LuutruUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
            # Only site administrators reach the Django admin.
            models.CheckConstraint(
                condition=models.Q(is_staff=False) | models.Q(role=Role.SITE_ADMIN),
                name="user_only_admins_are_staff",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def requires_second_factor(self) -> bool:
        """2FA is mandatory for every role but the receptionist, whose owner may turn it off
        for the establishment's front desk."""
        if self.role != Role.RECEPTIONIST:
            return True
        staff = getattr(self, "staff", None)
        return staff is None or staff.establishment.receptionist_2fa_required

    @transaction.atomic
    def disable(self) -> None:
        """Turn the account off and end every session it has open."""
        self.is_active = False
        self.save(update_fields=["is_active"])
        self.end_sessions()

    def end_sessions(self) -> None:
        """Log the user out everywhere: after a password or 2FA reset, or when disabled."""
        Session.objects.filter(user=self).delete()


class Session(AbstractBaseSession):
    """Django's database session with the user beside it, so that disabling an account can end
    its sessions with one DELETE."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "luutru_session"

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore


# --- one-time backup codes, stored hashed -------------------------------------------------------

BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def normalise_backup_code(token: str) -> str:
    return "".join(ch for ch in token.lower() if ch.isalnum())


class BackupCodeDevice(Device):
    """One-time backup codes. django-otp's static tokens are stored in plain text; these are
    stored as salted SHA-256 digests. A code carries 16 characters from a 31-letter alphabet
    (79 bits), so a fast hash is enough: nobody can enumerate the code space."""

    salt = models.CharField(max_length=32, default="")

    class Meta(Device.Meta):
        verbose_name = _("backup code set")
        verbose_name_plural = _("backup code sets")

    def digest(self, token: str) -> str:
        code = normalise_backup_code(token)
        return hashlib.sha256(f"{self.salt}:{code}".encode()).hexdigest()

    @transaction.atomic
    def generate_codes(self, count: int | None = None) -> list[str]:
        """Replace the codes with fresh ones and return them; this is the only moment they
        exist in clear."""
        count = count or settings.OTP_BACKUP_CODE_COUNT
        self.salt = secrets.token_hex(16)
        self.confirmed = True
        self.save(update_fields=["salt", "confirmed"])
        self.codes.all().delete()
        codes = []
        for _i in range(count):
            raw = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _j in range(16))
            codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
        BackupCode.objects.bulk_create(
            BackupCode(device=self, digest=self.digest(code)) for code in codes
        )
        return codes

    def verify_token(self, token: str) -> bool:
        if len(normalise_backup_code(token)) != 16:
            return False
        code = self.codes.filter(digest=self.digest(token), used_at__isnull=True).first()
        if code is None:
            return False
        # Compare-and-set: of two requests racing with the same code, one wins.
        return (
            BackupCode.objects.filter(pk=code.pk, used_at__isnull=True).update(
                used_at=timezone.now()
            )
            == 1
        )

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "digest"], name="backup_code_unique"),
        ]

    def __str__(self) -> str:
        return f"backup code {self.pk}"


# --- throttling of log-ins and password resets --------------------------------------------------


class Throttle(models.Model):
    """How many times something happened for one key (an account, an address) since the start
    of the current window: failed log-ins, password-reset requests. The key is stored as a
    keyed digest: the table holds neither the names attackers try nor their addresses."""

    scope = models.CharField(max_length=24)
    key = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="throttle_one_counter"),
        ]
        indexes = [models.Index(fields=["last_at"], name="throttle_by_last_at")]

    def __str__(self) -> str:
        return f"{self.scope} {self.count}"


class TrustedBrowser(models.Model):
    """A browser that has logged in to an account before (OWASP's "device cookie"): the
    account's growing delay after failed log-ins does not apply to it, so an attacker who
    keeps failing against a predictable username cannot keep its owner out of their own desk
    PC. The cookie holds a random id; only its digest is stored here."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    browser_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    # Failed passwords typed in this browser for this account since its last success: a stolen
    # cookie buys a handful of guesses, then the trust is gone.
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "browser_hash"], name="trusted_browser_once"),
        ]

    def __str__(self) -> str:
        return f"browser of {self.user_id}"


# --- geography and the police units: who works where -------------------------------------
# Provinces, wards, their beats and the memberships of officers. Every app stands on these (an
# establishment lies in a ward), so they are at the bottom with the users. The tables keep the
# names they had when they lived in the wards app: a rename would buy nothing and would make
# backups taken before and after it disagree.


class Province(models.Model):
    """A province or centrally-run city of the July 2025 two-level list. The code is the one
    of `vietnam-provinces` 2025.10.1; the name is stored beside it because codes changed
    between releases of the official list."""

    code = models.PositiveIntegerField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    division_type = models.CharField(_("type"), max_length=40)
    codename = models.CharField(max_length=100)

    class Meta:
        db_table = "wards_province"
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


# Law 47/2014/QH13 on foreigners' entry, exit, transit and residence, art. 33(2): a foreigner is
# declared within 12 hours of the arrival, 24 in a remote area (a ward's ``remote`` flag).
FOREIGNER_DEADLINE_HOURS = 12
FOREIGNER_DEADLINE_HOURS_REMOTE = 24


class Ward(models.Model):
    """A ward, commune or special zone: the unit whose police receive the declarations."""

    code = models.PositiveIntegerField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    division_type = models.CharField(_("type"), max_length=40)
    codename = models.CharField(max_length=100)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="wards", verbose_name=_("province")
    )
    # Law 47/2014, art. 33: foreigners are declared within 24 hours instead of 12 in remote
    # areas. Set by the ward's commander.
    remote = models.BooleanField(_("remote area"), default=False)
    # How long a declaration may wait for an officer's review, and a returned one for its
    # correction, before a flag is raised.
    review_window_hours = models.PositiveSmallIntegerField(_("review window (hours)"), default=24)
    correction_window_hours = models.PositiveSmallIntegerField(
        _("correction window (hours)"), default=24
    )

    class Meta:
        db_table = "wards_ward"
        ordering = ["province__name", "name"]
        verbose_name = _("ward")
        verbose_name_plural = _("wards")

    def __str__(self) -> str:
        return f"{self.name}, {self.province.name}"

    @property
    def foreigner_deadline_hours(self) -> int:
        return FOREIGNER_DEADLINE_HOURS_REMOTE if self.remote else FOREIGNER_DEADLINE_HOURS


class Officer(models.Model):
    """Membership of a ward officer or commander in the police of one ward."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer"
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="officers", verbose_name=_("ward")
    )
    beat = models.ForeignKey(
        "Beat",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officers",
        verbose_name=_("beat"),
    )

    class Meta:
        db_table = "wards_officer"
        verbose_name = _("ward officer")
        verbose_name_plural = _("ward officers")

    def __str__(self) -> str:
        return f"{self.user} ({self.ward.name})"


class ImmigrationOfficer(models.Model):
    """Membership of an immigration officer in the immigration office of one province."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="immigration_officer"
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="immigration_officers"
    )

    class Meta:
        db_table = "wards_immigrationofficer"
        verbose_name = _("immigration officer")
        verbose_name_plural = _("immigration officers")

    def __str__(self) -> str:
        return f"{self.user} ({self.province.name})"


class WardSettingsChange(models.Model):
    """One change to a ward's settings, with who made it and when: a setting that moves every
    deadline of the ward is never changed without a trace."""

    ward = models.ForeignKey(
        Ward, on_delete=models.CASCADE, related_name="settings_changes", verbose_name=_("ward")
    )
    remote = models.BooleanField(_("remote area"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        db_table = "wards_wardsettingschange"
        ordering = ["-changed_at", "-id"]
        verbose_name = _("ward settings change")
        verbose_name_plural = _("ward settings changes")
        indexes = [models.Index(fields=["ward", "-changed_at"], name="ward_settings_change_recent")]

    def __str__(self) -> str:
        return f"{self.ward.name}: remote={self.remote} ({self.changed_at:%Y-%m-%d %H:%M})"


class Beat(models.Model):
    """A part of a ward (khu vực) with its own officer. An officer of a beat sees the
    establishments of the beat first, and the whole ward on demand."""

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="beats")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        db_table = "wards_beat"
        ordering = ["ward", "name"]
        verbose_name = _("beat")
        verbose_name_plural = _("beats")
        constraints = [
            models.UniqueConstraint(fields=["ward", "name"], name="beat_name_unique_in_ward")
        ]

    def __str__(self) -> str:
        return self.name
