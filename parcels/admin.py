from django.contrib import admin

from layers.admin import AgencyScopedAdmin
from parcels.models import Parcel


@admin.register(Parcel)
class ParcelAdmin(AgencyScopedAdmin):
    list_display = ("reference", "agency", "kind", "official_area_m2", "address")
    list_filter = ("agency", "kind")
    search_fields = ("reference", "reference_key", "address")
