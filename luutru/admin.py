"""Second-factor devices are kept out of the Django admin.

django-otp registers an admin for its TOTP devices that shows each device's secret key (and a
QR code of it): a site admin could read anyone's key and pass their second factor. That admin
module is imported here, before autodiscovery reaches it (``luutru`` comes first in
INSTALLED_APPS), and its registration undone; autodiscovery's later import of it is a no-op.
Our backup codes (``BackupCodeDevice``) were never registered.

A site admin who must reset someone's second factor uses the "reset two-factor
authentication" action of the staff and officer lists, which deletes the devices without
showing them (``luutru.accounts.reset_second_factor``, as the owner's staff page does).
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .accounts import reset_second_factor
from .geography import set_ward_remote
from .models import ImmigrationOfficer, Officer, Province, Ward, WardSettingsChange

# django-otp's plugins whose admin shows secrets: the TOTP key, the static tokens in clear.
OTP_DEVICE_ADMINS = {
    "django_otp.plugins.otp_totp": ("otp_totp", "TOTPDevice"),
    "django_otp.plugins.otp_static": ("otp_static", "StaticDevice"),
}

for module, (label, model_name) in OTP_DEVICE_ADMINS.items():
    if not apps.is_installed(module):
        continue
    importlib.import_module(f"{module}.admin")
    model = apps.get_model(label, model_name)
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.action(description=gettext_lazy("Reset the two-factor authentication of the selected users"))
def reset_second_factor_action(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> None:
    """For rows that name a ``user`` (staff, officers). The devices go without being shown:
    the site admin never sees a key (see luutru/admin.py). The admin's history keeps who did
    it."""
    count = 0
    for member in queryset.select_related("user"):
        reset_second_factor(user=member.user)
        modeladmin.log_change(request, member, "Reset the two-factor authentication.")
        count += 1
    modeladmin.message_user(
        request,
        _("Two-factor authentication reset for %(count)d users: they set it up again at login.")
        % {"count": count},
        messages.SUCCESS,
    )


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "division_type"]
    search_fields = ["name", "codename", "=code"]
    readonly_fields = ["code", "codename"]


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "code", "division_type", "remote"]
    list_filter = ["remote", "division_type", "province"]
    list_select_related = ["province"]
    search_fields = ["name", "codename", "=code"]
    # The review and correction windows move the ward's flags but have no settings history
    # yet: not changed from here until they do.
    readonly_fields = ["code", "codename", "review_window_hours", "correction_window_hours"]
    autocomplete_fields = ["province"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Wards come from the official list (``manage.py import_wards``), codes and all.
        return False

    def save_model(self, request: HttpRequest, obj: Ward, form: ModelForm, change: bool) -> None:
        """The remote flag moves every foreigner's deadline in the ward: it goes through the
        commander's service, which locks the row and leaves a WardSettingsChange naming the
        site admin. The other fields are saved by name, so that a flag the commander changed
        while this form was open is not written back."""
        fields = [name for name in form.changed_data if name != "remote"]
        if fields:
            obj.save(update_fields=fields)
        set_ward_remote(ward=obj, remote=obj.remote, by=request.user)


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "ward"]
    list_select_related = ["user", "ward__province"]
    search_fields = ["user__username", "user__full_name", "ward__name"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["ward"]
    actions = [reset_second_factor_action]


@admin.register(ImmigrationOfficer)
class ImmigrationOfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "province"]
    list_select_related = ["user", "province"]
    search_fields = ["user__username", "user__full_name", "province__name"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["province"]
    actions = [reset_second_factor_action]


@admin.register(WardSettingsChange)
class WardSettingsChangeAdmin(admin.ModelAdmin):
    """The trail of changes is read, never edited."""

    list_display = ["ward", "remote", "changed_by", "changed_at"]
    list_select_related = ["ward__province", "changed_by"]
    search_fields = ["ward__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
