"""Forms of the planner pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from importing.mapping import TARGETS


class SourceFileForm(forms.Form):
    """A vector file and its coordinate reference system, when the file lacks one."""

    file = forms.FileField(label=_("File"))
    srs = forms.CharField(
        label=_("Coordinate reference system"),
        required=False,
        max_length=20,
        help_text=_("EPSG code, e.g. 26191; empty: the file's, else the agency's."),
    )


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
        help_text=_("One target=FIELD per line; targets: %(targets)s.")
        % {"targets": ", ".join(TARGETS)},
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
