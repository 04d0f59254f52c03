"""Reads of fees and payments."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from layers.models import Agency
from payments.errors import NoTariff
from payments.models import Order, Tariff


def tariff_in_force(*, agency: Agency, service: str, on: datetime.date) -> Tariff:
    """The tariff of ``service`` at ``agency`` on the day ``on``.

    Raises NoTariff when the agency charges nothing for it that day (the
    exclusion constraint guarantees there is never more than one).
    """
    tariff = (
        Tariff.objects.filter(agency=agency, service=service, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .first()
    )
    if tariff is None:
        raise NoTariff(_("This agency has no fee for that service on that day."))
    return tariff


def order_by_reference(reference: str) -> Order | None:
    return (
        Order.objects.select_related("agency", "tariff")
        .filter(reference=reference)
        .first()
    )
