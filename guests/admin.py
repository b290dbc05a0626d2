from django.contrib import admin

from .models import Declaration, DeclarationVersion


class DeclarationVersionInline(admin.TabularInline):
    model = DeclarationVersion
    extra = 0
    can_delete = False
    readonly_fields = ("number", "data", "created_by", "created_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    """Read-only: declarations change through the portal, which keeps their versions."""

    list_display = ("full_name", "kind", "establishment", "room", "arrival", "late", "departed_at")
    list_filter = ("kind", "late", "review_status")
    search_fields = ("full_name", "establishment__name")
    list_select_related = ("establishment",)
    inlines = [DeclarationVersionInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
