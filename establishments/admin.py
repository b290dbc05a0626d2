from __future__ import annotations

from django.contrib import admin

from luutru.admin import reset_second_factor_action

from .models import Application, Establishment, Staff


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "ward", "owner_email", "status", "submitted_at")
    list_filter = ("status", "kind")
    search_fields = ("name", "address", "owner_name", "owner_email")
    list_select_related = ("ward__province",)
    raw_id_fields = ("ward", "decided_by")
    date_hierarchy = "submitted_at"


class StaffInline(admin.TabularInline):
    model = Staff
    fk_name = "establishment"
    raw_id_fields = ("user", "created_by")
    extra = 0


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "ward", "status", "receptionist_2fa_required")
    list_filter = ("status", "kind")
    search_fields = ("code", "name", "address", "business_registration_number")
    list_select_related = ("ward__province",)
    raw_id_fields = ("ward", "application")
    inlines = [StaffInline]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("user", "establishment", "created_at")
    search_fields = ("user__username", "user__full_name", "establishment__name")
    list_select_related = ("user", "establishment")
    raw_id_fields = ("user", "establishment", "created_by")
    actions = [reset_second_factor_action]
