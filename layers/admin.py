"""Admin for agencies, documents, layers and rules, scoped by accounts.permissions."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import HttpResponseRedirect
from django.middleware.csp import get_nonce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletAdminWidget, LeafletGeoAdminMixin
from leaflet.forms.widgets import LeafletWidget

from accounts import permissions
from audit.models import AuditEvent
from audit.services import audit_record
from core.errors import GeoportalError
from layers import territories
from layers.models import (
    Agency,
    Layer,
    LayerVersion,
    PlanningDocument,
    RegulationFile,
    ZoneRule,
)
from layers.services import agency_save
from layers.zone_rules import CitationsField


class GeometryWidget(LeafletAdminWidget):
    """django-leaflet's admin widget, its zoom buttons titled in the page's
    language (``layers/admin-map-i18n.js``, after Leaflet)."""

    @property
    def media(self):
        return super().media + forms.Media(js=["layers/admin-map-i18n.js"])


class AgencyScopedAdmin(LeafletGeoAdminMixin, admin.ModelAdmin):
    """Planners see and change only their agency's rows; administrators, all.

    Permission comes from accounts.permissions, not from Django's per-model
    permission table, so the rule lives in one place.

    Geometries are drawn on django-leaflet's widget: Leaflet and leaflet.draw
    from our own static files, the base map of LEAFLET_CONFIG (the map page's,
    else none) — GeoDjango's own widget loads OpenLayers from a CDN, which
    the content-security policy refuses.
    """

    map_template = "layers/admin/geometry_widget.html"
    widget = GeometryWidget

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, LeafletWidget):
            # The widget's two inline scripts need the page's nonce;
            # django-leaflet looks for it as request.csp_nonce, where Django
            # keeps no such attribute.
            field.widget.csp_nonce = get_nonce(request)
        return field

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

    # Deletions are written to the audit log, in the deletion's transaction.
    def delete_model(self, request, obj):
        permissions.require_change(request.user, obj)
        _audit_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            permissions.require_change(request.user, obj)
            _audit_delete(request, obj)
        super().delete_queryset(request, queryset)


def _audit_delete(request, obj) -> None:
    audit_record(action=AuditEvent.Action.DELETED, actor=request.user, obj=obj)


class AgencyForm(forms.ModelForm):
    """An agency with its territory, checked against the others' before it is
    saved (``layers.territories``); an overlap needs a written reason."""

    overlap_reason = forms.CharField(
        label=_("Reason for accepting an overlap"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only when the territory must overlap another agency's: your reason "
            "is kept in the audit log with the agencies and the area concerned."
        ),
    )

    class Meta:
        model = Agency
        fields = (
            "code",
            "name_fr",
            "name_ar",
            "name_en",
            "srid",
            "note_prefix",
            "territory",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].error_messages["required"] = (
            territories.TERRITORY_REQUIRED
        )

    def clean(self):
        cleaned = super().clean()
        territory = cleaned.get("territory")
        if territory is None:
            return cleaned  # the field's own error says why
        candidate = Agency(pk=self.instance.pk, territory=territory)
        try:
            territories.territory_check(
                agency=candidate, overlap_reason=cleaned.get("overlap_reason", "")
            )
        except GeoportalError as exc:
            self.add_error("territory", str(exc.message))
        return cleaned


@admin.register(Agency)
class AgencyAdmin(AgencyScopedAdmin):
    form = AgencyForm
    list_display = ("code", "name_fr", "name_ar", "srid")
    search_fields = ("code", "name_fr", "name_ar")
    readonly_fields = ("overlaps_accepted",)

    @admin.display(description=_("Overlaps of territories accepted"))
    def overlaps_accepted(self, obj):
        events = territories.overlaps_accepted(obj) if obj.pk else []
        return format_html_join(
            "",
            "<p>{}</p>",
            (
                (
                    _(
                        "%(at)s, %(actor)s accepted an overlap with %(agencies)s "
                        "(%(area)s m²): %(reason)s"
                    )
                    % {
                        "at": date_format(
                            timezone.localtime(event.at), "DATETIME_FORMAT"
                        ),
                        "actor": event.actor_name or _("an operator"),
                        "agencies": ", ".join(
                            item["agency"] for item in event.details["overlaps"]
                        ),
                        "area": number_format(event.details["area_m2"], 0),
                        "reason": event.details["reason"],
                    },
                )
                for event in events
            ),
        ) or _("None")

    def save_model(self, request, obj, form, change):
        # The domain service checks the territory again under its lock, and
        # records an accepted overlap.
        agency_save(
            user=request.user,
            agency=obj,
            overlap_reason=form.cleaned_data.get("overlap_reason", ""),
        )

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
    list_display = (
        "name",
        "title_fr",
        "document",
        "kind",
        "overlay_type",
        "reference_type",
    )
    list_filter = ("kind", "overlay_type", "reference_type", "document__agency")
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

    def has_delete_permission(self, request, obj=None):
        # Published, superseded and referenced versions are history: no
        # "Delete" is offered for them (and the database refuses it anyway).
        if obj is not None and obj.is_history:
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        version = self.get_object(request, unquote(object_id))
        if (
            version is not None
            and self.has_view_permission(request, version)
            and version.is_history
        ):
            self.message_user(request, history_refusal(version), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:layers_layerversion_change", args=[version.pk])
            )
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        history = LayerVersion.history_of(objs)
        protected = [
            *protected,
            *(f"{capfirst(LayerVersion._meta.verbose_name)}: {v}" for v in history),
        ]
        return deleted, counts, perms_needed, protected


def history_refusal(version: LayerVersion) -> str:
    """Why ``version`` cannot be deleted, in the active language."""
    return gettext(
        "%(version)s is part of the history (published, superseded or cited by "
        "a note): it cannot be deleted."
    ) % {"version": version}


class ZoneRuleAdminForm(forms.ModelForm):
    # The articles cited are checked against the library here too.
    citations = CitationsField(
        required=False, label=ZoneRule._meta.get_field("citations").verbose_name
    )

    class Meta:
        model = ZoneRule
        fields = ["citations"]  # the admin adds the others


@admin.register(ZoneRule)
class ZoneRuleAdmin(AgencyScopedAdmin):
    form = ZoneRuleAdminForm
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
