"""Admin for agencies, documents, layers and rules, scoped by accounts.permissions."""

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from layers.models import (
    Agency,
    Layer,
    LayerVersion,
    PlanningDocument,
    RegulationFile,
    ZoneRule,
)


class AgencyScopedAdmin(GISModelAdmin):
    """Planners see and change only their agency's rows; administrators, all.

    Permission comes from accounts.permissions, not from Django's per-model
    permission table, so the rule lives in one place.
    """

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if permissions.is_national_administrator(request.user):
            return queryset
        return permissions.editable(request.user, queryset)

    def has_module_permission(self, request):
        return permissions.can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return permissions.can_use_admin(request.user)
        return permissions.can_change(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return permissions.can_use_admin(request.user) and (
            self.model.AGENCY_PATH != ""
            or permissions.is_national_administrator(request.user)
        )

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the agencies, documents, layers the user may change.
        related = db_field.related_model
        if related is Agency:
            kwargs["queryset"] = permissions.working_agencies(
                request.user, Agency.objects.all()
            )
        elif hasattr(related, "AGENCY_PATH"):
            kwargs["queryset"] = permissions.editable(
                request.user, related._default_manager.all()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        permissions.require_change(request.user, obj)
        super().save_model(request, obj, form, change)


@admin.register(Agency)
class AgencyAdmin(AgencyScopedAdmin):
    list_display = ("code", "name_fr", "name_ar", "srid")
    search_fields = ("code", "name_fr", "name_ar")

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return permissions.can_use_admin(request.user)
        return permissions.is_national_administrator(request.user) or (
            permissions.is_planner(request.user) and request.user.agency_id == obj.pk
        )

    def get_queryset(self, request):
        queryset = super(AgencyScopedAdmin, self).get_queryset(request)
        return permissions.working_agencies(request.user, queryset)

    def has_change_permission(self, request, obj=None):
        return permissions.is_national_administrator(request.user)

    has_delete_permission = has_change_permission


class RegulationFileInline(admin.TabularInline):
    model = RegulationFile
    extra = 0
    fields = ("title_fr", "title_ar", "language", "file")


@admin.register(PlanningDocument)
class PlanningDocumentAdmin(AgencyScopedAdmin):
    list_display = (
        "reference",
        "title_fr",
        "agency",
        "kind",
        "status",
        "effective_date",
        "expiry_date",
    )
    list_filter = ("status", "kind", "agency")
    search_fields = ("reference", "title_fr", "title_ar")
    inlines = [RegulationFileInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "agency",
                    "kind",
                    "reference",
                    "title_fr",
                    "title_ar",
                    "status",
                )
            },
        ),
        (
            _("Approval"),
            {
                "fields": (
                    "approval_act",
                    "approval_date",
                    "bulletin_reference",
                    "effective_date",
                    "expiry_date",
                )
            },
        ),
        (_("Perimeter"), {"fields": ("perimeter",)}),
    )


@admin.register(Layer)
class LayerAdmin(AgencyScopedAdmin):
    list_display = ("name", "title_fr", "document", "kind", "overlay_type")
    list_filter = ("kind", "overlay_type", "document__agency")
    search_fields = ("name", "title_fr", "document__reference")


@admin.register(LayerVersion)
class LayerVersionAdmin(AgencyScopedAdmin):
    """Versions are read here; they change only by import, publish and restore."""

    list_display = (
        "layer",
        "number",
        "status",
        "valid_from",
        "valid_to",
        "feature_count",
    )
    list_filter = ("status", "layer__document__agency")
    readonly_fields = [f.name for f in LayerVersion._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ZoneRule)
class ZoneRuleAdmin(AgencyScopedAdmin):
    list_display = (
        "code",
        "label_fr",
        "document",
        "category",
        "floors_above_ground",
        "cos",
        "ces",
    )
    list_filter = ("category", "document__agency", "document")
    search_fields = ("code", "label_fr", "label_ar")
