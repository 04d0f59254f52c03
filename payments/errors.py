"""What can go wrong with a fee or a payment, each with its HTTP status and code.

Messages are lazy translations, rendered in the reader's language.
"""

from __future__ import annotations

from core.errors import BadRequest, Conflict, Forbidden, NotFound


class NoTariff(NotFound):
    """The agency has no price in force for that service on that day."""

    code = "no_tariff"


class IdempotencyKeyReused(Conflict):
    """The key was already used to place an order with another request."""

    code = "idempotency_key_reused"


class TransitionRefused(Conflict):
    """The attempt's state does not allow the change asked for."""

    code = "payment_transition_refused"


class CallbackRefused(Forbidden):
    """A gateway callback whose hash does not prove it came from the gateway;
    nothing was changed."""

    code = "payment_callback_refused"


class UnknownAttempt(NotFound):
    code = "payment_attempt_not_found"


class InvalidPaymentReference(BadRequest):
    """A structured reference whose check digits do not match."""

    code = "invalid_payment_reference"


class RefundRefused(BadRequest):
    """A refund without reason, of an unpaid order, or of more than remains."""

    code = "refund_refused"


class StatementUnreadable(BadRequest):
    """A bank statement that is not the CSV the import reads."""

    code = "statement_unreadable"


class UnknownParcel(NotFound):
    """An order about a parcel the agency does not hold."""

    code = "parcel_not_found"


class ParcelRequired(BadRequest):
    """An order of a service that delivers a parcel's document (the official
    note) that names no parcel."""

    code = "parcel_required"
