"""Receipt and credit-note numbers without gaps, per agency, series and year.

The counter row is incremented by one statement that inserts it or, when it
exists, updates it — which locks it until the paying transaction ends. A
second payment of the same agency waits there; if the first rolls back, so
does its number. No sequence (sequences leave gaps) and no read-then-write.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from documents.models import DocumentKind, IssuedDocument
from documents.services import document_issue, document_prepare
from documents.signing import canonical_json, sha256_hex
from payments.models import PaymentAttempt, Receipt, ReceiptCounter, Refund
from payments.pdf import TEMPLATE_VERSION, credit_note_pdf, receipt_pdf

NEXT_NUMBER = """
INSERT INTO payments_receiptcounter (agency_id, series, year, last_number)
VALUES (%s, %s, %s, 1)
ON CONFLICT (agency_id, series, year)
DO UPDATE SET last_number = payments_receiptcounter.last_number + 1
RETURNING last_number
"""


def number_take(*, agency_id: int, series: str) -> tuple[int, int]:
    """(year, number): the next number of ``series`` in the agency's current
    year. The counter stays locked until the calling transaction ends."""
    year = timezone.localdate().year
    with connection.cursor() as cursor:
        cursor.execute(NEXT_NUMBER, [agency_id, series, year])
        (number,) = cursor.fetchone()
    return year, number


def receipt_issue(*, attempt: PaymentAttempt) -> Receipt:
    """The receipt of a confirmed ``attempt``, numbered next in its agency's
    year. Must run in the transaction that confirms the attempt; it is
    registered (``receipt_register``) after that commits, once what it paid
    for is delivered: its PDF names what the payment delivered (the official
    note)."""
    order = attempt.order
    year, number = number_take(
        agency_id=order.agency_id, series=ReceiptCounter.Series.RECEIPT
    )
    receipt = Receipt.objects.create(
        agency_id=order.agency_id,
        year=year,
        number=number,
        order=order,
        attempt=attempt,
        amount_centimes=attempt.amount_centimes,
    )
    return receipt


def receipt_register(*, receipt: Receipt) -> IssuedDocument:
    """Register the receipt with document-e: its PDF in the order's language,
    with the registry's QR code and code. What its signature covers is the
    receipt's data (number, agency, order, amount, date, payment reference)
    — not the order's subject, which the citizen wrote.

    The QR code's URL is absolute (``documents.services.document_base_url``:
    ``GEOPORTAIL_PUBLIC_URL``, else the order's recorded origin).
    """
    order = receipt.order
    content = {
        "receipt": receipt.reference,
        "agency": receipt.agency.code,
        "order": order.reference,
        "amount_centimes": receipt.amount_centimes,
        "currency": "MAD",
        "issued_at": receipt.issued_at.isoformat(),
        "payment_reference": order.payment_reference,
    }
    prepared = document_prepare(
        kind=DocumentKind.RECEIPT,
        agency=receipt.agency,
        language=order.language,
        template_version=TEMPLATE_VERSION,
        subject_type=Receipt._meta.label_lower,
        subject_reference=receipt.reference,
        content_sha256=sha256_hex(canonical_json(content)),
        issued_at=receipt.issued_at,
    )
    pdf = receipt_pdf(
        receipt,
        language=order.language,
        qr_text=prepared.qr_text(base_url=order.origin),
        document_code=prepared.code_printed,
    )
    return document_issue(prepared=prepared, pdf=pdf)


def credit_note_register(*, refund: Refund) -> IssuedDocument:
    """Register a refund's credit note with document-e, as ``receipt_register``
    does a receipt (its PDF in the order's language, QR code and code). Must
    run in the transaction that numbers it."""
    receipt = refund.receipt
    language = receipt.order.language
    content = {
        "credit_note": refund.reference,
        "receipt": receipt.reference,
        "agency": refund.agency.code,
        "amount_centimes": refund.amount_centimes,
        "currency": "MAD",
        "issued_at": refund.refunded_at.isoformat(),
    }
    prepared = document_prepare(
        kind=DocumentKind.CREDIT_NOTE,
        agency=refund.agency,
        language=language,
        template_version=TEMPLATE_VERSION,
        subject_type=Refund._meta.label_lower,
        subject_reference=refund.reference,
        content_sha256=sha256_hex(canonical_json(content)),
        issued_at=refund.refunded_at,
    )
    pdf = credit_note_pdf(
        refund,
        language=language,
        qr_text=prepared.qr_text(base_url=receipt.order.origin),
        document_code=prepared.code_printed,
    )
    return document_issue(prepared=prepared, pdf=pdf)
