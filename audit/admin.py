"""The audit log in the admin: read-only, for national administrators only."""

from django.contrib import admin

from accounts.permissions import is_national_administrator
from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "at",
        "actor_name",
        "action",
        "object_type",
        "object_repr",
        "agency_id",
        "ip",
    )
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_repr", "object_id")
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_module_permission(self, request):
        return is_national_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_national_administrator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
