"""The library in the admin: national administrators read and change texts
and procedures, import bundles (a zip) and attach PDFs; planners read them.
Writes go through ``library.services``."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import permissions
from importing.errors import ImportRefused
from layers.services import upload_size_check, upload_store
from library.forms import BundleUploadForm, PdfUploadForm
from library.models import Article, Procedure, ProcedureBasis, ProcedureStep, Text
from library.services import library_import, text_pdf_attach


class LibraryAdmin(admin.ModelAdmin):
    """Everyone who may use the admin reads; national administrators write."""

    def has_module_permission(self, request):
        return permissions.can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_use_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return permissions.is_national_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_national_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_national_administrator(request.user)


class ArticleInline(admin.TabularInline):
    model = Article
    fk_name = "text"
    fields = ("number", "valid_from", "valid_to", "repealed", "enacted_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("position", "valid_from")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Text)
class TextAdmin(LibraryAdmin):
    list_display = ("key", "kind", "title_fr", "status", "published_on", "is_excerpt")
    list_filter = ("kind", "status", "is_excerpt")
    search_fields = ("number", "title_fr", "title_ar")
    readonly_fields = ("key", "pdf_fr", "pdf_ar")
    exclude = ("extracted_fr", "extracted_ar")
    inlines = [ArticleInline]
    change_list_template = "library/admin/text_changelist.html"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="library_text_import",
            ),
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="library_text_pdf",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Import a zip bundle; the report of a refused one, in the reader's
        language, and nothing written."""
        if not permissions.is_national_administrator(request.user):
            raise PermissionDenied
        form = BundleUploadForm(request.POST or None, request.FILES or None)
        refused = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["bundle"]
            try:
                upload_size_check(upload.size)
                with tempfile.TemporaryDirectory(prefix="geoportail-library-") as work:
                    summary = library_import(
                        path=upload_store(upload, workdir=Path(work)),
                        user=request.user,
                    )
            except ImportRefused as error:
                refused = error
            else:
                count = len(summary.created) + len(summary.updated)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d text created or changed.",
                        "%(count)d texts created or changed.",
                        count,
                    )
                    % {"count": count},
                )
                if summary.procedures:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)d procedure created or changed.",
                            "%(count)d procedures created or changed.",
                            len(summary.procedures),
                        )
                        % {"count": len(summary.procedures)},
                    )
                return redirect(reverse("admin:library_text_changelist"))
        return TemplateResponse(
            request,
            "library/admin/import.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Import legal texts"),
                "form": form,
                "refused": refused,
                "opts": self.model._meta,
            },
        )

    def pdf_view(self, request, pk: int):
        """Attach the French or Arabic PDF of a text; its words are indexed."""
        if not permissions.is_national_administrator(request.user):
            raise PermissionDenied
        text = get_object_or_404(Text, pk=pk)
        form = PdfUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["pdf"]
            try:
                upload_size_check(upload.size)
                with tempfile.TemporaryDirectory(prefix="geoportail-library-") as work:
                    text_pdf_attach(
                        text=text,
                        language=form.cleaned_data["language"],
                        path=upload_store(upload, workdir=Path(work)),
                        user=request.user,
                    )
            except ImportRefused as error:
                form.add_error("pdf", error.message)
            else:
                return redirect(reverse("admin:library_text_change", args=[pk]))
        return TemplateResponse(
            request,
            "library/admin/pdf.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Attach a PDF"),
                "form": form,
                "text": text,
                "opts": self.model._meta,
            },
        )


@admin.register(Article)
class ArticleAdmin(LibraryAdmin):
    list_display = ("__str__", "valid_from", "valid_to", "repealed", "enacted_by")
    list_filter = ("repealed",)
    search_fields = ("text__number", "number", "body_fr", "body_ar")
    list_select_related = ("text", "enacted_by")


class NationalInline(admin.TabularInline):
    """Rows of a procedure: written by national administrators only."""

    extra = 0

    def has_view_permission(self, request, obj=None):
        return permissions.can_use_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return permissions.is_national_administrator(request.user)

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission


class ProcedureStepInline(NationalInline):
    model = ProcedureStep
    fields = (
        "position",
        "title_fr",
        "title_ar",
        "title_en",
        "body_fr",
        "body_ar",
        "body_en",
        "page",
    )


class ProcedureBasisInline(NationalInline):
    model = ProcedureBasis
    fields = ("position", "text", "article")


@admin.register(Procedure)
class ProcedureAdmin(LibraryAdmin):
    list_display = ("key", "title_fr", "delay_days")
    search_fields = ("key", "title_fr", "title_ar", "title_en")
    inlines = [ProcedureStepInline, ProcedureBasisInline]
