"""A receipt's PDF, rendered with typst, in French, Arabic or English.

Signed (PAdES, ``core.pades``) by the agency and registered with document-e
when issued (``payments.receipts``): its QR code holds the registry's
verification URL and signed payload, and its code is printed under it. Fonts
are the few a receipt needs, so no system font discovery happens; one
compiler per process.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.pades import AgencyIdentity, issued_pdf_sign
from core.typst_pdf import TypstTemplate
from documents.qr import qr_svg
from payments.fulfilment import order_delivered
from payments.models import Receipt, Refund
from payments.providers import PROVIDERS

TEMPLATE = TypstTemplate(Path(__file__).with_name("receipt.typ"))


# Recorded with each receipt in document-e's registry: raise it when the
# template changes what a receipt looks like.
TEMPLATE_VERSION = "receipt-1"


def receipt_pdf(
    receipt: Receipt, *, language: str, qr_text: str = "", document_code: str = ""
) -> bytes:
    """The receipt as a PDF in ``language`` (fr, ar or en), signed (PAdES) by
    its agency, with the QR code of ``qr_text`` and the registry's
    ``document_code`` when given."""
    order = receipt.order
    with translation.override(language):
        amount = formats.number_format(order.amount, 2, use_l10n=True)
        data = {
            "language": language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "reference": receipt.reference,
            "agency": receipt.agency.name,
            "qr": qr_svg(qr_text) if qr_text else "",
            "document_code": document_code,
            "labels": {
                "title": _("Receipt"),
                "document_code": _("Verification code"),
                "footer": _(
                    "Issued by the Geoportail for the agency named above. Keep it: a "
                    "refund is recorded apart and never changes it."
                ),
            },
            "rows": [
                [
                    _("Date of issue"),
                    formats.date_format(
                        timezone.localtime(receipt.issued_at), "DATETIME_FORMAT"
                    ),
                ],
                [_("Order"), order.reference],
                [_("Service"), order.tariff.label],
                [_("Subject"), order.subject],
                [_("Amount"), f"{amount} {_('MAD')}"],
                [_("Payment method"), str(PROVIDERS[receipt.attempt.provider].label)],
                [_("Payment reference"), order.payment_reference],
                [_("Legal basis"), order.tariff.legal_basis],
            ]
            # What the payment delivered, e.g. the official note it cites.
            + [[item.label, item.reference] for item in order_delivered(order)],
        }
    return _signed(TEMPLATE.pdf(data), agency=receipt.agency)


def credit_note_pdf(
    refund: Refund, *, language: str, qr_text: str = "", document_code: str = ""
) -> bytes:
    """A refund's credit note as a PDF in ``language``, on the receipt's
    template, signed (PAdES) by its agency, with the QR code of ``qr_text`` and
    the registry's code."""
    receipt = refund.receipt
    with translation.override(language):
        amount = formats.number_format(
            Decimal(refund.amount_centimes) / 100, 2, use_l10n=True
        )
        data = {
            "language": language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "reference": refund.reference,
            "agency": refund.agency.name,
            "qr": qr_svg(qr_text) if qr_text else "",
            "document_code": document_code,
            "labels": {
                "title": capfirst(_("credit note")),
                "document_code": _("Verification code"),
                "footer": _(
                    "Issued by the Geoportail for the agency named above. It "
                    "corrects the receipt named above, which stays as issued."
                ),
            },
            "rows": [
                [
                    _("Date of issue"),
                    formats.date_format(
                        timezone.localtime(refund.refunded_at), "DATETIME_FORMAT"
                    ),
                ],
                [_("Receipt"), receipt.reference],
                [_("Order"), receipt.order.reference],
                [_("Amount"), f"{amount} {_('MAD')}"],
                [_("Reason"), refund.reason],
            ],
        }
    return _signed(TEMPLATE.pdf(data), agency=refund.agency)


def _signed(pdf: bytes, *, agency) -> bytes:
    """``pdf`` signed (PAdES) by ``agency``."""
    return issued_pdf_sign(
        pdf, agency=AgencyIdentity(agency.code, agency.name_fr, agency.name_ar)
    )
