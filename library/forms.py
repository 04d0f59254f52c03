"""The administrators' forms of the library."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class BundleUploadForm(forms.Form):
    bundle = forms.FileField(
        label=_("Bundle (zip)"),
        help_text=_("A zip of JSON files, one per text, and the PDFs they name."),
    )


class PdfUploadForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), choices=[("fr", _("French")), ("ar", _("Arabic"))]
    )
    pdf = forms.FileField(label=_("PDF"))
