"""The forms of permits' pages: the public lookup and the staff's filing.
They parse what the page posts; every rule stays in the services and
selectors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.services import RequesterData
from permits.models import PermitFile
from permits.services import PermitFiling


class DescribedForm(forms.Form):
    def describe(self) -> None:
        """Tie each field to its help and its errors (``aria-describedby``)."""
        for bound in self:
            ids = [f"{bound.auto_id}-help"] if bound.help_text else []
            if bound.errors:
                ids.append(f"{bound.auto_id}-error")
                bound.field.widget.attrs["aria-invalid"] = "true"
            if ids:
                bound.field.widget.attrs["aria-describedby"] = " ".join(ids)


class LookupForm(DescribedForm):
    number = forms.CharField(
        label=_("File number"),
        max_length=64,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
        help_text=_("As on the filing receipt: the platform's number or ours."),
    )
    code = forms.CharField(
        label=_("Short code"),
        max_length=32,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        help_text=_("The code printed on the filing receipt, e.g. ABCD-EFGH-JKMN."),
    )


class FilingForm(DescribedForm):
    """A file the agency records (filed at its counter or on the platform)."""

    external_reference = forms.CharField(label=_("File number"), max_length=64)
    procedure = forms.ModelChoiceField(label=_("Procedure"), queryset=None)
    filed_on = forms.DateField(
        label=_("Filed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    parcels = forms.CharField(
        label=_("Parcels"),
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr"}),
        help_text=_("One parcel reference a line, e.g. TF 12345/07."),
    )
    description = forms.CharField(label=_("Project"), max_length=300, required=False)
    use = forms.ChoiceField(label=_("Use"), choices=PermitFile.Use.choices)
    floors = forms.IntegerField(
        label=_("Floors"), min_value=0, max_value=200, required=False
    )
    built_area_m2 = forms.DecimalField(
        label=_("Built area"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    applicant = forms.CharField(label=_("Applicant"), max_length=200, required=False)
    architect = forms.CharField(label=_("Architect"), max_length=200, required=False)
    do_not_publish = forms.BooleanField(
        label=_("do not publish"),
        required=False,
        help_text=_("A sensitive file: absent from every public page and export."),
    )

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures

    def filing(self, *, agency, language: str) -> PermitFiling:
        data = self.cleaned_data
        return PermitFiling(
            agency=agency,
            procedure=data["procedure"],
            external_reference=data["external_reference"],
            filed_on=data["filed_on"],
            parcels=tuple(data["parcels"].splitlines()),
            applicant=RequesterData(name=data["applicant"]),
            architect=data["architect"],
            description=data["description"],
            use=data["use"],
            floors=data["floors"],
            built_area_m2=data["built_area_m2"],
            address=data["address"],
            do_not_publish=data["do_not_publish"],
            language=language,
        )
