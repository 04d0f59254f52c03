from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import is_national_administrator
from audit.models import AuditEvent
from audit.services import audit_record

# What decides what a user may do; every change of it is written to the audit log.
PERMISSION_FIELDS = ("role", "agency_id", "is_superuser", "is_staff", "is_active")


def _permissions(user: User) -> dict:
    values = {field: getattr(user, field) for field in PERMISSION_FIELDS}
    values["groups"] = sorted(user.groups.values_list("name", flat=True))
    values["user_permissions"] = sorted(
        user.user_permissions.values_list("codename", flat=True)
    )
    return values


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role in the portal"), {"fields": ("role", "agency", "language")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role in the portal"), {"fields": ("role", "agency", "language")}),
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

    # The audit log: the permissions before the form is saved, compared with
    # those after its many-to-many fields (groups) are saved too.
    def save_model(self, request, obj, form, change):
        before = _permissions(User.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        request._audit_permissions_before = before

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        before = getattr(request, "_audit_permissions_before", None)
        after = _permissions(user)
        if before is None:
            audit_record(
                action=AuditEvent.Action.USER_CREATED,
                actor=request.user,
                obj=user,
                agency_id=user.agency_id,
                details=after,
            )
            return
        changes = {
            field: [before[field], after[field]]
            for field in after
            if before[field] != after[field]
        }
        if changes:
            audit_record(
                action=AuditEvent.Action.PERMISSIONS_CHANGED,
                actor=request.user,
                obj=user,
                agency_id=user.agency_id,
                details=changes,
            )

    def delete_model(self, request, obj):
        self._audit_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self._audit_delete(request, user)
        super().delete_queryset(request, queryset)

    def _audit_delete(self, request, user: User) -> None:
        audit_record(
            action=AuditEvent.Action.USER_DELETED,
            actor=request.user,
            obj=user,
            agency_id=user.agency_id,
            details=_permissions(user),
        )
