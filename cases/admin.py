"""Cases in the admin: read only, scoped by accounts.permissions.

Cases move through their e-service's services (which check the state
machine and write the history), never by editing a row; the requester's
personal data is not shown here (its readings are logged elsewhere).
"""

from django.contrib import admin

from accounts import permissions
from cases.models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "agency",
        "service",
        "state",
        "submitted_at",
        "answer_due_at",
        "assignee",
    ]
    list_filter = ["service", "state"]
    search_fields = ["reference"]
    fields = [
        "reference",
        "agency",
        "service",
        "state",
        "created_at",
        "submitted_at",
        "acknowledged_at",
        "answered_at",
        "closed_at",
        "acknowledge_due_at",
        "answer_due_at",
        "paused_since",
        "paused_total",
        "assignee",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return permissions.cases_viewable(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return permissions.can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return permissions.can_use_admin(request.user)
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
