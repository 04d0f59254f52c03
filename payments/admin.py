"""Tariffs in the admin, for national administrators (the fee schedule is
national): a new price is a new tariff; an existing one only gets its end
date. What citizens paid is never edited here."""

from django.contrib import admin

from accounts.permissions import is_national_administrator
from payments.models import Tariff

# What an order may have been priced with: fixed once saved.
FIXED = (
    "agency",
    "service",
    "label_fr",
    "label_ar",
    "label_en",
    "amount_centimes",
    "legal_basis",
    "valid_from",
)


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = (
        "agency",
        "service",
        "label_fr",
        "amount_centimes",
        "valid_from",
        "valid_to",
    )
    list_filter = ("agency", "service")

    def get_readonly_fields(self, request, obj=None):
        return FIXED if obj is not None else ()

    def has_module_permission(self, request):
        return is_national_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_national_administrator(request.user)

    def has_add_permission(self, request):
        return is_national_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_national_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return False
