"""What a paid order delivers, per service: a registry the apps that deliver
fill in (``notes`` registers the official note, ``notes.official``).

prestations-e stands below the apps whose documents it sells, so it names
none of them: it asks the registry, once a payment has committed
(``payments.issuing``), to deliver; and, for the order page and the receipt,
which documents were delivered. A service without an entry delivers nothing here
(a certified copy handed at the counter).
"""

from __future__ import annotations

from dataclasses import dataclass

from payments.models import Order, Receipt


@dataclass(frozen=True)
class Delivered:
    """A document a paid order delivered: its reference, what it is (in the
    active language), where to download it and where to verify it."""

    reference: str
    label: str
    download_url: str
    verify_url: str


class Fulfilment:
    """What paying for one service delivers."""

    # Whether an order must name a parcel: without one it could deliver
    # nothing, so it is refused when placed.
    parcel_required: bool = False

    def deliver(self, *, order: Order, receipt: Receipt) -> None:
        """Issue what ``order`` paid for; runs after the payment committed,
        in the worker's transaction that then registers the receipt (rolled
        back together and tried again should either fail)."""
        raise NotImplementedError

    def delivered(self, *, order: Order) -> list[Delivered]:
        """The documents issued for ``order`` (none before it is paid)."""
        raise NotImplementedError


# service code → its fulfilment; filled in by the delivering apps' ready().
FULFILMENTS: dict[str, Fulfilment] = {}


def parcel_required(service: str) -> bool:
    """Whether an order of ``service`` must name a parcel."""
    fulfilment = FULFILMENTS.get(service)
    return fulfilment is not None and fulfilment.parcel_required


def order_deliver(*, order: Order, receipt: Receipt) -> None:
    """Deliver what the paid ``order`` bought, if its service delivers."""
    fulfilment = FULFILMENTS.get(order.tariff.service)
    if fulfilment is not None:
        fulfilment.deliver(order=order, receipt=receipt)


def order_delivered(order: Order) -> list[Delivered]:
    """The documents delivered for ``order`` (empty for other services)."""
    fulfilment = FULFILMENTS.get(order.tariff.service)
    return fulfilment.delivered(order=order) if fulfilment is not None else []
