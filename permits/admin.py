"""The admin of permits: an agency sets up its procedures (delays, BLDS
type) and its sessions' members here, scoped to the agency like the layers'
admin. Files, agendas and opinions are written through the services
(``permits.staff``), so the admin shows files read-only."""

from django.contrib import admin

from layers.admin import AgencyScopedAdmin
from permits.models import CommissionSession, PermitFile, Procedure, SessionMember


@admin.register(Procedure)
class ProcedureAdmin(AgencyScopedAdmin):
    list_display = ["code", "label_fr", "agency", "completeness_days", "legal_days"]
    list_filter = ["agency"]


class MemberInline(admin.TabularInline):
    model = SessionMember
    extra = 1


@admin.register(CommissionSession)
class CommissionSessionAdmin(AgencyScopedAdmin):
    list_display = ["held_on", "kind", "agency", "published_at"]
    list_filter = ["agency", "kind"]
    readonly_fields = ["published_at"]
    inlines = [MemberInline]


@admin.register(PermitFile)
class PermitFileAdmin(AgencyScopedAdmin):
    list_display = ["external_reference", "procedure", "agency", "filed_on"]
    list_filter = ["agency", "procedure"]
    search_fields = ["external_reference"]
    readonly_fields = [field.name for field in PermitFile._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
