from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from layers.admin import AgencyScopedAdmin
from parcels.models import Parcel
from parcels.references import InvalidReference, ParcelReference


class ParcelForm(forms.ModelForm):
    class Meta:
        model = Parcel
        fields = ["agency", "reference", "official_area_m2", "address", "geom"]

    def clean_reference(self) -> str:
        try:
            parsed = ParcelReference.parse(self.cleaned_data["reference"])
        except InvalidReference as exc:
            raise forms.ValidationError(
                _('Not a land reference: write it like "TF 12345/07" or "R 4567/07".')
            ) from exc
        self.instance.kind = parsed.kind
        self.instance.reference_key = parsed.key
        return parsed.display


@admin.register(Parcel)
class ParcelAdmin(AgencyScopedAdmin):
    form = ParcelForm
    list_display = ("reference", "agency", "kind", "official_area_m2", "address")
    list_filter = ("agency", "kind")
    search_fields = ("reference", "reference_key", "address")
