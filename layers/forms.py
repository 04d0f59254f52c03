"""Forms of the planner pages."""

from __future__ import annotations

import json

from django import forms
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from importing.errors import ImportRefused
from importing.mapping import TARGETS
from layers.models import Layer, PlanningDocument
from layers.services import perimeter_from_upload


class SourceFileForm(forms.Form):
    """A vector file and its coordinate reference system, when the file lacks one."""

    file = forms.FileField(label=_("File"))
    srs = forms.CharField(
        label=_("Coordinate reference system"),
        required=False,
        max_length=20,
        help_text=_("EPSG code, e.g. 26191; empty: the file's, else the agency's."),
    )


def _mapping_help() -> str:
    # Formatted when shown, in the reader's language: formatted at import, the
    # help text stayed in the default language (French on the Arabic page).
    return _("One target=FIELD per line; targets: %(targets)s.") % {
        "targets": ", ".join(TARGETS)
    }


class UploadForm(SourceFileForm):
    """A file to import and how to read it (empty fields are detected)."""

    field_order = ["file", "source_layer", "srs"]

    source_layer = forms.CharField(
        label=_("Layer inside the file"), required=False, max_length=200
    )
    encoding = forms.CharField(
        label=_("Text encoding"),
        required=False,
        max_length=30,
        help_text=_("Empty: detected (e.g. UTF-8, cp1252, latin-1)."),
    )
    tolerance = forms.FloatField(
        label=_("Tolerance for overlaps and gaps (m²)"),
        required=False,
        min_value=0,
    )
    mapping = forms.CharField(
        label=_("Attribute mapping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=lazy(_mapping_help, str)(),
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)
    background = forms.BooleanField(label=_("Import in the background"), required=False)

    def mapping_items(self) -> list[str]:
        text = self.cleaned_data.get("mapping") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class PublishDespiteErrorsForm(forms.Form):
    """Why a version with errors is published as approved (required)."""

    reason = forms.CharField(
        label=_("Reason for publishing despite the errors"),
        max_length=2000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. The approved plan itself has these overlaps."),
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DocumentForm(forms.ModelForm):
    """A planning document, its legal life and its perimeter: drawn on the map
    (GeoJSON written by perimeter-draw.js) or read from a file."""

    perimeter_geojson = forms.CharField(
        label=_("Perimeter drawn on the map"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "perimeter-geojson"}),
    )
    perimeter_file = forms.FileField(
        label=_("…or a perimeter file"),
        required=False,
        help_text=_("GeoJSON, KML, GeoPackage or a zipped shapefile of polygons."),
    )

    class Meta:
        model = PlanningDocument
        fields = [
            "agency",
            "kind",
            "reference",
            "title_fr",
            "title_ar",
            "status",
            "approval_act",
            "approval_date",
            "bulletin_reference",
            "effective_date",
            "expiry_date",
        ]
        widgets = {
            "approval_date": DateInput(),
            "effective_date": DateInput(),
            "expiry_date": DateInput(),
        }

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].empty_label = None
        if self.instance.perimeter and not self.is_bound:
            self.initial["perimeter_geojson"] = self.instance.perimeter.geojson

    def clean_perimeter_geojson(self) -> GEOSGeometry | None:
        text = self.cleaned_data["perimeter_geojson"].strip()
        if not text:
            return None
        try:
            geometry = GEOSGeometry(json.dumps(json.loads(text)), srid=4326)
        except (ValueError, GEOSException, TypeError):
            raise forms.ValidationError(
                _("The drawn perimeter cannot be read; draw it again.")
            ) from None
        if geometry.geom_type not in {"Polygon", "MultiPolygon"} or geometry.empty:
            raise forms.ValidationError(_("A perimeter is made of polygons."))
        if not geometry.valid:
            raise forms.ValidationError(
                _("The drawn perimeter crosses itself; draw it again.")
            )
        return geometry

    def clean(self):
        data = super().clean()
        upload = data.get("perimeter_file")
        agency = data.get("agency")
        if upload and agency is not None:
            try:
                data["perimeter"] = perimeter_from_upload(
                    upload=upload, default_srid=agency.srid
                )
            except ImportRefused as exc:
                self.add_error("perimeter_file", exc.message)
        elif data.get("perimeter_geojson") is not None:
            data["perimeter"] = data["perimeter_geojson"]
        return data


class RegulationFileForm(forms.Form):
    """A PDF of the document's regulation (checked by its content and size).

    Shown beside the document's form, under the prefix "regulation" so that
    their fields' names and ids stay apart."""

    title_fr = forms.CharField(label=_("Title (French)"), max_length=300)
    title_ar = forms.CharField(
        label=_("Title (Arabic)"), max_length=300, required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("fr", _("French")), ("ar", _("Arabic"))]
    )
    file = forms.FileField(
        label=_("PDF file"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"})
    )


class LayerForm(forms.ModelForm):
    """A layer of a document: its zoning, an overlay of some type, or
    reference data (streets, neighbourhoods, landmarks) of some type."""

    class Meta:
        model = Layer
        fields = [
            "name",
            "title_fr",
            "title_ar",
            "kind",
            "overlay_type",
            "reference_type",
            "geometry_type",
            "position",
        ]
        help_texts = {
            "name": _("Letters, digits and hyphens, e.g. zoning or reserved-sites."),
        }

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind != Layer.Kind.REFERENCE:
            data["reference_type"] = ""
        if kind == Layer.Kind.ZONING:
            data["overlay_type"] = ""  # a zoning is a partition of polygons
            data["geometry_type"] = Layer.GeometryType.POLYGON
        elif kind == Layer.Kind.REFERENCE:
            data["overlay_type"] = ""
            if not data.get("reference_type"):
                self.add_error(
                    "reference_type", _("Choose the type of the reference data.")
                )
        elif not data.get("overlay_type"):
            self.add_error("overlay_type", _("Choose the type of the overlay."))
        return data


class OrthophotoUploadForm(forms.Form):
    """An orthophoto GeoTIFF as a new version of an agency's base map."""

    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None)
    name = forms.SlugField(
        label=_("Base map name"),
        max_length=64,
        initial="orthophoto",
        help_text=_("The same name makes a new version of that base map."),
    )
    title_fr = forms.CharField(label=_("Title (French)"), max_length=200)
    title_ar = forms.CharField(
        label=_("Title (Arabic)"), max_length=200, required=False
    )
    file = forms.FileField(
        label=_("GeoTIFF file"),
        help_text=_("RGB, 8 bits, georeferenced in any coordinate system."),
        widget=forms.ClearableFileInput(attrs={"accept": ".tif,.tiff,.zip"}),
    )

    def __init__(self, *args, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first()
