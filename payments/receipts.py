"""Receipt numbers without gaps, per agency and year.

The counter row is incremented by one statement that inserts it or, when it
exists, updates it — which locks it until the paying transaction ends. A
second payment of the same agency waits there; if the first rolls back, so
does its number. No sequence (sequences leave gaps) and no read-then-write.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from payments.models import PaymentAttempt, Receipt

NEXT_NUMBER = """
INSERT INTO payments_receiptcounter (agency_id, year, last_number)
VALUES (%s, %s, 1)
ON CONFLICT (agency_id, year)
DO UPDATE SET last_number = payments_receiptcounter.last_number + 1
RETURNING last_number
"""


def receipt_issue(*, attempt: PaymentAttempt) -> Receipt:
    """The receipt of a confirmed ``attempt``, numbered next in its agency's
    year. Must run in the transaction that confirms the attempt."""
    order = attempt.order
    year = timezone.localdate().year
    with connection.cursor() as cursor:
        cursor.execute(NEXT_NUMBER, [order.agency_id, year])
        (number,) = cursor.fetchone()
    return Receipt.objects.create(
        agency_id=order.agency_id,
        year=year,
        number=number,
        order=order,
        attempt=attempt,
        amount_centimes=attempt.amount_centimes,
    )
