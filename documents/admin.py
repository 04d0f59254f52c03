"""The registry in the admin: read-only, plus two actions with a reason.

National administrators see every agency's documents, planners their own;
revoking or superseding goes through ``documents.services`` (which asks
``accounts.permissions.can_change_issued_document`` and audits), after a
page asking why — and, to supersede, which document replaces it.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from core.errors import GeoportalError
from documents import selectors, services
from documents.models import IssuedDocument


class StatusForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea)
    successor = forms.CharField(
        label=gettext_lazy("Code of the document that replaces it"),
        required=False,
        max_length=40,
    )


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = (
        "code_printed",
        "kind",
        "agency",
        "subject_reference",
        "issued_at",
        "status",
    )
    list_filter = ("kind", "status", "agency")
    search_fields = ("identifier", "subject_reference")
    exclude = ("pdf",)
    actions = ("revoke", "supersede")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).defer("pdf")
        if permissions.is_national_administrator(request.user):
            return queryset
        return queryset.filter(agency_id=request.user.agency_id)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "pdf"]

    def has_module_permission(self, request):
        return permissions.can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_use_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Revoke, with a reason"))
    def revoke(self, request, queryset):
        return self._status_action(request, queryset, "revoke")

    @admin.action(description=gettext_lazy("Supersede by another document"))
    def supersede(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Supersede one document at a time."), messages.ERROR
            )
            return None
        return self._status_action(request, queryset, "supersede")

    def _status_action(self, request, queryset, action: str):
        """Ask why (and the successor), then act on each selected document."""
        form = StatusForm(request.POST if "reason" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "documents/admin/status.html",
                {
                    **self.admin_site.each_context(request),
                    "title": self.actions_description(action),
                    "documents": queryset,
                    "form": form,
                    "action": action,
                    "opts": self.model._meta,
                },
            )
        done = 0
        for document in queryset:
            try:
                if action == "revoke":
                    services.document_revoke(
                        document=document,
                        user=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                else:
                    services.document_supersede(
                        document=document,
                        successor=selectors.document_by_code(
                            form.cleaned_data["successor"]
                        ),
                        user=request.user,
                        reason=form.cleaned_data["reason"],
                    )
            except GeoportalError as error:
                self.message_user(
                    request, f"{document.code_printed}: {error.message}", messages.ERROR
                )
            else:
                done += 1
        if done:
            self.message_user(request, _("Done."), messages.SUCCESS)
        return None

    def actions_description(self, action: str) -> str:
        return str(getattr(self, action).short_description)
