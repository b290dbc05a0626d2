from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    """A province or centrally-run city of the July 2025 two-level list. The code is the one
    of `vietnam-provinces` 2025.10.1; the name is stored beside it because codes changed
    between releases of the official list."""

    code = models.PositiveIntegerField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    division_type = models.CharField(_("type"), max_length=40)
    codename = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


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
        ordering = ["province__name", "name"]
        verbose_name = _("ward")
        verbose_name_plural = _("wards")

    def __str__(self) -> str:
        return f"{self.name}, {self.province.name}"

    @property
    def foreigner_deadline_hours(self) -> int:
        return 24 if self.remote else 12


class Officer(models.Model):
    """Membership of a ward officer or commander in the police of one ward."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer"
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="officers", verbose_name=_("ward")
    )

    class Meta:
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
        ordering = ["-changed_at", "-id"]
        verbose_name = _("ward settings change")
        verbose_name_plural = _("ward settings changes")
        indexes = [models.Index(fields=["ward", "-changed_at"], name="ward_settings_change_recent")]

    def __str__(self) -> str:
        return f"{self.ward.name}: remote={self.remote} ({self.changed_at:%Y-%m-%d %H:%M})"
