from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Application, Establishment, Staff
from .services import reset_second_factor


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
