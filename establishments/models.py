from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from luutru.models import Ward


class Kind(models.TextChoices):
    HOTEL = "hotel", _("Hotel")
    GUESTHOUSE = "guesthouse", _("Guesthouse / motel")
    HOMESTAY = "homestay", _("Homestay")
    BOARDING_HOUSE = "boarding_house", _("Boarding house")
    PRIVATE_HOME = "private_home", _("Private home let to foreigners")
    SERVICED_APARTMENT = "serviced_apartment", _("Serviced apartment")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class LodgingFields(models.Model):
    """What an application asks and an establishment keeps."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    star_rating = models.PositiveSmallIntegerField(
        _("star rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    address = models.CharField(_("address"), max_length=300)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, verbose_name=_("ward"))
    business_registration_number = models.CharField(
        _("business registration number"), max_length=20, blank=True
    )
    room_count = models.PositiveSmallIntegerField(
        _("number of rooms"), validators=[MinValueValidator(1), MaxValueValidator(5000)]
    )

    class Meta:
        abstract = True


class Application(LodgingFields):
    """A lodging's request for an account, decided by the police of its ward."""

    owner_name = models.CharField(_("owner's full name"), max_length=150)
    owner_phone = models.CharField(_("owner's phone"), max_length=20)
    owner_email = models.EmailField(_("owner's e-mail"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        ordering = ["submitted_at"]
        verbose_name = _("registration application")
        verbose_name_plural = _("registration applications")
        constraints = [
            # An exact duplicate of an application still waiting for a decision is refused.
            models.UniqueConstraint(
                Lower("name"),
                Lower("address"),
                "ward",
                Lower("owner_email"),
                condition=models.Q(status="pending"),
                name="application_no_pending_duplicate",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
                name="application_refusal_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["ward", "submitted_at"],
                condition=models.Q(status="pending"),
                name="application_pending_by_ward",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Establishment(LodgingFields):
    code = models.CharField(_("code"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="establishment"
    )
    beat = models.ForeignKey(
        "luutru.Beat",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="establishments",
        verbose_name=_("beat"),
    )
    receptionist_2fa_required = models.BooleanField(
        _("receptionists must use two-factor authentication"), default=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """Membership of a receptionist or an owner in one establishment."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="staff")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return f"{self.user} ({self.establishment})"
