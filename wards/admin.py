from __future__ import annotations

from django.contrib import admin

from .models import ImmigrationOfficer, Officer, Province, Ward, WardSettingsChange


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
    readonly_fields = ["code", "codename"]
    autocomplete_fields = ["province"]


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "ward"]
    list_select_related = ["user", "ward__province"]
    search_fields = ["user__username", "user__full_name", "ward__name"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["ward"]


@admin.register(ImmigrationOfficer)
class ImmigrationOfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "province"]
    list_select_related = ["user", "province"]
    search_fields = ["user__username", "user__full_name", "province__name"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["province"]


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
