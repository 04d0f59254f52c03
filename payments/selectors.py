"""Reads of fees and payments."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from accounts.permissions import editable
from layers.models import Agency
from parcels.models import Parcel
from parcels.references import InvalidReference, ParcelReference
from payments.errors import NoTariff
from payments.models import Order, PaymentAttempt, Receipt, Refund, Tariff
from payments.providers import PROVIDERS


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


def parcel_of_agency(*, agency: Agency, reference: str) -> Parcel | None:
    """The agency's parcel of land reference ``reference`` as typed (any
    spacing, case or digits), or None — also when it is no reference."""
    try:
        key = ParcelReference.parse(reference).key
    except InvalidReference:
        return None
    return Parcel.objects.filter(agency=agency, reference_key=key).first()


def order_by_reference(reference: str) -> Order | None:
    return (
        Order.objects.select_related("agency", "tariff")
        .filter(reference=reference)
        .first()
    )


def order_documents_state(order: Order) -> str | None:
    """Where the paid ``order``'s documents are: ``pending`` (being prepared
    after the payment), ``done`` or ``failed``; None before it is paid."""
    receipt = getattr(order, "receipt", None)
    return receipt.issue.status if receipt is not None else None


def refunded_centimes(order: Order) -> int:
    """What was given back on ``order`` so far, in centimes."""
    total = Refund.objects.filter(receipt__order=order).aggregate(
        total=Sum("amount_centimes")
    )["total"]
    return total or 0


def orders_for_staff(user) -> QuerySet[Order]:
    """The orders of the agencies ``user`` works for (all for a national
    administrator), newest first, with their receipt, refunded total and the
    provider of their confirmed attempt."""
    return (
        editable(user, Order.objects.all())
        .select_related("agency", "tariff", "receipt__issue")
        .annotate(
            refunded_centimes=Coalesce(Sum("receipt__refunds__amount_centimes"), 0),
            paid_with=Subquery(
                PaymentAttempt.objects.filter(
                    order=OuterRef("pk"), status=PaymentAttempt.Status.CONFIRMED
                ).values("provider")[:1]
            ),
        )
        .order_by("-placed_at", "-id")
    )


@dataclass(frozen=True)
class ReconciliationLine:
    """What one provider brought in on one day: receipts and their total."""

    day: datetime.date
    provider: str
    receipts: int
    total_centimes: int

    @property
    def total(self) -> Decimal:
        return Decimal(self.total_centimes) / 100

    @property
    def provider_label(self) -> str:
        return str(PROVIDERS[self.provider].label)


def reconciliation(
    *, user, since: datetime.date, until: datetime.date
) -> list[ReconciliationLine]:
    """Receipts issued from ``since`` to ``until`` (included, the portal's
    days) for the agencies ``user`` works for, per day and provider, to set
    against the bank's statements and the counter's cash."""
    rows = (
        editable(user, Receipt.objects.all())
        .annotate(day=TruncDate("issued_at"))
        .filter(day__gte=since, day__lte=until)
        .values("day", "attempt__provider")
        .annotate(receipts=Count("id"), total=Sum("amount_centimes"))
        .order_by("-day", "attempt__provider")
    )
    return [
        ReconciliationLine(
            row["day"], row["attempt__provider"], row["receipts"], row["total"]
        )
        for row in rows
    ]
