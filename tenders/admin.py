"""Calls for tenders in the admin: a planner publishes and manages their
agency's calls and nothing else's (``layers.admin.AgencyScopedAdmin``,
``accounts.permissions``); national administrators, every agency's. A
document's file is checked by ``tenders.services.tender_document_check``.
Every call saved is written to the audit log with the fields changed: a
call's dates and results are public commitments."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from audit.models import AuditEvent
from audit.services import audit_record
from layers.admin import AgencyScopedAdmin
from tenders.models import CallForTenders, TenderDocument
from tenders.services import TenderDocumentRefused, tender_document_check


class TenderDocumentForm(forms.ModelForm):
    class Meta:
        model = TenderDocument
        fields = ("title_fr", "title_ar", "file", "position")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and hasattr(upload, "content_type"):  # a new upload
            try:
                tender_document_check(upload)
            except TenderDocumentRefused as refused:
                raise forms.ValidationError(str(refused.message)) from refused
        return upload


class TenderDocumentInline(admin.TabularInline):
    """The call's documents, writable by whoever may change the call."""

    model = TenderDocument
    form = TenderDocumentForm
    extra = 1

    def has_view_permission(self, request, obj=None):
        return permissions.can_use_admin(request.user) and (
            obj is None or permissions.can_change(request.user, obj)
        )

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission


@admin.register(CallForTenders)
class CallForTendersAdmin(AgencyScopedAdmin):
    list_display = ("reference", "agency", "status", "published_on", "deadline")
    list_filter = ("status", "procedure", "agency")
    search_fields = ("reference", "object_fr", "object_ar")
    date_hierarchy = "published_on"
    inlines = [TenderDocumentInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "agency",
                    "reference",
                    "object_fr",
                    "object_ar",
                    "procedure",
                    "status",
                )
            },
        ),
        (
            _("Dates and amounts"),
            {
                "fields": (
                    "published_on",
                    "deadline",
                    "opening_at",
                    "opening_place_fr",
                    "opening_place_ar",
                    "estimate",
                    "deposit",
                )
            },
        ),
        (_("Results"), {"fields": ("awardee", "award_amount", "awarded_on")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            action=AuditEvent.Action.CHANGED if change else AuditEvent.Action.CREATED,
            actor=request.user,
            obj=obj,
            details={"fields": sorted(form.changed_data)},
        )
