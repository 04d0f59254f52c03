"""A bank statement's credits matched to orders by their structured reference.

The statement is a CSV export with a header naming at least ``reference`` and
``amount`` (dirhams, a dot or a comma before the centimes), separated by
commas or semicolons; other columns are ignored. Each line whose reference
names an order with a pending transfer of exactly that amount confirms it
(``counter_payment_confirm``, as an agent would at the counter); every other
line is reported with why it was left, and nothing else changes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import GeoportalError
from payments.errors import StatementUnreadable
from payments.models import PaymentAttempt
from payments.references import structured_reference_normalise
from payments.services import counter_payment_confirm


@dataclass
class StatementReport:
    """Receipts of the confirmed lines; (line number, reason) of the others."""

    confirmed: list[str] = field(default_factory=list)
    left: list[tuple[int, str]] = field(default_factory=list)


def _rows(content: bytes) -> list[dict[str, str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StatementUnreadable(_("The statement is not UTF-8 text.")) from exc
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    names = {name.strip().lower() for name in reader.fieldnames or []}
    if not {"reference", "amount"} <= names:
        raise StatementUnreadable(
            _("The statement needs the columns reference and amount.")
        )
    # Cells past the header's columns (``csv`` files them under None) are
    # no column of ours: left out, not read.
    return [
        {
            (k or "").strip().lower(): (v or "").strip()
            for k, v in row.items()
            if k is not None
        }
        for row in reader
    ]


def _centimes(text: str) -> int | None:
    try:
        amount = Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        return None
    return int(amount * 100)


def statement_import(*, content: bytes, agent) -> StatementReport:
    """Confirm the transfers a statement shows; report the lines left.

    Raises StatementUnreadable when the file is not such a CSV.
    """
    report = StatementReport()
    for line, row in enumerate(_rows(content), start=2):
        centimes = _centimes(row["amount"])
        if centimes is None:
            report.left.append((line, _("The amount is not readable.")))
            continue
        try:
            with transaction.atomic():
                reference = structured_reference_normalise(row["reference"])
                pending = PaymentAttempt.objects.filter(
                    order__payment_reference=reference,
                    provider="counter",
                    status=PaymentAttempt.Status.PENDING,
                ).first()
                if pending is not None and pending.amount_centimes != centimes:
                    report.left.append(
                        (line, _("The amount differs from the order's."))
                    )
                    continue
                attempt = counter_payment_confirm(
                    payment_reference=reference, agent=agent, cash=False
                )
        except GeoportalError as error:
            report.left.append((line, str(error.message)))
            continue
        except PermissionDenied as error:  # another agency's order
            report.left.append((line, str(error)))
            continue
        report.confirmed.append(attempt.receipt.reference)
    return report
