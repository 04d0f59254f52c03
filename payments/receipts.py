"""Receipt and credit-note numbers without gaps, per agency, series and year.

The counter row is incremented by one statement that inserts it or, when it
exists, updates it — which locks it until the paying transaction ends. A
second payment of the same agency waits there; if the first rolls back, so
does its number. No sequence (sequences leave gaps) and no read-then-write.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from payments.models import PaymentAttempt, Receipt, ReceiptCounter

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
    year. Must run in the transaction that confirms the attempt."""
    order = attempt.order
    year, number = number_take(
        agency_id=order.agency_id, series=ReceiptCounter.Series.RECEIPT
    )
    return Receipt.objects.create(
        agency_id=order.agency_id,
        year=year,
        number=number,
        order=order,
        attempt=attempt,
        amount_centimes=attempt.amount_centimes,
    )
