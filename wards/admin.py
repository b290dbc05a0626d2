from __future__ import annotations

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from establishments.admin import reset_second_factor_action

from .models import ImmigrationOfficer, Officer, Province, Ward, WardSettingsChange
from .services import set_ward_remote


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
