"""The official urban information note: the note a paid order of the
service ``official-note`` buys, as opposed to the indicative note anyone
issues free of charge.

prestations-e delivers it through its registry (``payments.fulfilment``)
once the payment has committed (``payments.issuing``): an order never paid,
declined or expired never gets one, and an order of it must name a parcel.
The note states the order and the receipt it was paid with (in its signed
snapshot and its PDF), the receipt cites the note.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notes.models import Note
from notes.services import note_issue
from notes.subjects import SubjectQuery, parse_reference
from payments.errors import NoTariff
from payments.fulfilment import Delivered, Fulfilment
from payments.models import Order, Receipt
from payments.selectors import tariff_in_force

SERVICE = "official-note"


def official_order_url(note: Note) -> str:
    """Where to order the official note of the parcel an indicative ``note``
    is about; "" for an official note, a subject other than a parcel, or an
    agency that charges no fee for it today."""
    if note.is_official or note.parcel_id is None:
        return ""
    try:
        tariff_in_force(agency=note.agency, service=SERVICE, on=timezone.localdate())
    except NoTariff:
        return ""
    query = urlencode(
        {
            "agency": note.agency.code,
            "service": SERVICE,
            "parcel": note.parcel.reference,
        }
    )
    return f"{reverse('payments:order_new')}?{query}"


class OfficialNote(Fulfilment):
    parcel_required = True

    def deliver(self, *, order: Order, receipt: Receipt) -> None:
        """Issue the official note of the paid ``order``'s parcel, in the
        order's language."""
        parcel = order.parcel
        note_issue(
            query=SubjectQuery(
                kind="parcel",
                reference=parse_reference(parcel.reference),
                agency=parcel.agency.code,
            ),
            language=order.language,
            order=order,
            receipt=receipt,
            base_url=order.origin,
        )

    def delivered(self, *, order: Order) -> list[Delivered]:
        note = Note.objects.filter(order=order).first()
        if note is None:
            return []
        verify = reverse("notes:verify", args=[note.token])
        return [
            Delivered(
                reference=note.reference,
                label=_("Official urban information note"),
                download_url=reverse("notes:pdf", args=[note.token]),
                verify_url=f"{verify}?lang={note.language}",
            )
        ]
