from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import is_national_administrator


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role in the portal"), {"fields": ("role", "agency")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role in the portal"), {"fields": ("role", "agency")}),
    )
    list_display = ("username", "email", "role", "agency", "is_active")
    list_filter = ("role", "agency", "is_active")

    # Only national administrators manage accounts and roles.
    def has_module_permission(self, request):
        return is_national_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_national_administrator(request.user)

    has_add_permission = has_module_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission
