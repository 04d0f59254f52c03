"""The form of the planner's parcel upload page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from layers.forms import SourceFileForm


class ParcelUploadForm(SourceFileForm):
    """A parcel registry file of the planner's agency."""

    reference = forms.CharField(
        label=_("Field of the land reference"),
        required=False,
        max_length=64,
        help_text=_("Empty: detected (REFERENCE, TITRE, NUM_TF…)."),
    )
