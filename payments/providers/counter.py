"""Payment at the agency's counter or by bank transfer: the citizen quotes the
order's structured reference (ISO 11649) and an agent of the agency confirms
the payment (``payments.services.counter_payment_confirm``)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from payments.providers.base import Instructions, Provider, ReturnUrls


class Counter(Provider):
    code = "counter"
    label = _("Counter or bank transfer")

    def instructions(self, *, attempt, urls: ReturnUrls) -> Instructions:
        return Instructions(reference=attempt.order.payment_reference)

    def validity(self) -> datetime.timedelta:
        # A transfer takes days to show on the agency's statement.
        return datetime.timedelta(days=settings.PAYMENTS_COUNTER_DAYS)
