"""Writes of prestations-e: placing orders, starting and settling payment
attempts. Every change of an attempt goes through ``attempt_transition``, on
a row locked with ``select_for_update``, so a gateway's callback, its repeat
and the citizen's return never race: the return page only reads."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from accounts.permissions import require_change
from layers.models import Agency
from parcels.models import Parcel
from payments.errors import (
    CallbackRefused,
    IdempotencyKeyReused,
    ParcelRequired,
    RefundRefused,
    TransitionRefused,
    UnknownAttempt,
    UnknownParcel,
)
from payments.fulfilment import parcel_required
from payments.issuing import receipt_issue_queue
from payments.models import Order, PaymentAttempt, Receipt, ReceiptCounter, Refund
from payments.providers import PROVIDERS
from payments.providers.base import Instructions, ReturnUrls
from payments.providers.cmi import (
    ACKNOWLEDGED,
    CAPTURE,
    REFUSED,
    amount_text,
    cmi_hash_valid,
)
from payments.quotas import order_quota_take
from payments.receipts import credit_note_register, number_take, receipt_issue
from payments.references import (
    attempt_reference_new,
    order_reference_new,
    structured_reference_new,
    structured_reference_normalise,
)
from payments.selectors import tariff_in_force

Status = PaymentAttempt.Status

# Allowed changes of an attempt's state; confirmed, failed and expired are final.
TRANSITIONS: dict[str, set[str]] = {
    Status.CREATED: {Status.PENDING, Status.FAILED, Status.EXPIRED},
    Status.PENDING: {Status.CONFIRMED, Status.FAILED, Status.EXPIRED},
    Status.CONFIRMED: set(),
    Status.FAILED: set(),
    Status.EXPIRED: set(),
}


@transaction.atomic
def order_place(
    *,
    agency: Agency,
    service: str,
    subject: str,
    language: str,
    idempotency_key: str,
    on: datetime.date | None = None,
    parcel: Parcel | None = None,
    client_address: str | None = None,
    origin: str = "",
) -> tuple[Order, bool]:
    """Place an order at the price of the tariff in force ``on`` (today),
    about ``parcel`` when it is one of the agency's (an official note's),
    recording the ``origin`` (scheme and host) of the request that placed it,
    where its documents' QR codes point without GEOPORTAIL_PUBLIC_URL.
    A new order of an anonymous citizen counts against ``client_address``
    and the agency (``payments.quotas``; None: staff, not counted).

    Returns the order and whether it was created: the same key with the same
    request returns the order it placed. Raises IdempotencyKeyReused when the
    key placed an order for another request, NoTariff when no price applies,
    UnknownParcel for another agency's parcel, ParcelRequired without a
    parcel for a service that delivers a parcel's document (the official
    note: paid for, it could deliver nothing), TooManyRequests past a limit.
    """
    if parcel is not None and parcel.agency_id != agency.pk:
        raise UnknownParcel(_("This agency holds no such parcel."))
    if parcel is None and parcel_required(service):
        raise ParcelRequired(
            _("This service is about a parcel: give its land reference.")
        )
    request = [agency.code, service, subject, language]
    if parcel is not None:
        request.append(parcel.pk)
    digest = hashlib.sha256(
        json.dumps(request, ensure_ascii=False).encode()
    ).hexdigest()
    order = Order.objects.filter(idempotency_key=idempotency_key).first()
    if order is None:
        # A retry finds its order above even if the price has changed since.
        tariff = tariff_in_force(
            agency=agency, service=service, on=on or timezone.localdate()
        )
        if client_address is not None:
            order_quota_take(address=client_address, agency=agency)
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    reference=order_reference_new(),
                    agency=agency,
                    tariff=tariff,
                    amount_centimes=tariff.amount_centimes,
                    subject=subject,
                    parcel=parcel,
                    language=language,
                    origin=origin,
                    payment_reference=structured_reference_new(),
                    idempotency_key=idempotency_key,
                    request_digest=digest,
                )
            return order, True
        except IntegrityError:
            # A concurrent request with the same key committed first.
            order = Order.objects.filter(idempotency_key=idempotency_key).first()
            if order is None:
                raise
    if order.request_digest != digest:
        raise IdempotencyKeyReused(
            _("This Idempotency-Key was already used for another order.")
        )
    return order, False


def attempt_transition(*, attempt: PaymentAttempt, to: str) -> PaymentAttempt:
    """Move ``attempt`` (locked by the caller) to the state ``to`` and save it.

    Raises TransitionRefused for a change ``TRANSITIONS`` does not allow.
    """
    if to not in TRANSITIONS[attempt.status]:
        raise TransitionRefused(
            _("A payment that is %(current)s cannot become %(new)s.")
            % {
                "current": Status(attempt.status).label,
                "new": Status(to).label,
            }
        )
    attempt.status = to
    attempt.save(update_fields=["status", "changed_at"])
    return attempt


@transaction.atomic
def attempt_start(
    *, order: Order, provider: str, urls: ReturnUrls
) -> tuple[PaymentAttempt, Instructions]:
    """Record a new attempt to pay ``order`` with ``provider``, pending for
    the provider's validity, and what the citizen must do.

    Raises TransitionRefused when the order is already paid.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != Order.Status.AWAITING_PAYMENT:
        raise TransitionRefused(_("This order is already paid."))
    attempt = PaymentAttempt.objects.create(
        reference=attempt_reference_new(),
        order=order,
        provider=provider,
        amount_centimes=order.amount_centimes,
        expires_at=timezone.now() + PROVIDERS[provider].validity(),
    )
    instructions = PROVIDERS[provider].instructions(attempt=attempt, urls=urls)
    attempt_transition(attempt=attempt, to=Status.PENDING)
    return attempt, instructions


def _attempt_confirm(*, attempt: PaymentAttempt) -> None:
    """Confirm a locked attempt: the order is paid, its receipt numbered and
    its documents queued — what it bought and the receipt's PDF are issued
    after this transaction commits (``payments.issuing``), so the agency's
    receipt counter is held for no PDF."""
    attempt_transition(attempt=attempt, to=Status.CONFIRMED)
    Order.objects.filter(pk=attempt.order_id).update(status=Order.Status.PAID)
    receipt_issue_queue(receipt=receipt_issue(attempt=attempt))


def _locked_attempt(**lookup) -> PaymentAttempt:
    attempt = (
        PaymentAttempt.objects.select_for_update()
        .select_related("order")
        .filter(**lookup)
        .first()
    )
    if attempt is None:
        raise UnknownAttempt(_("No such payment."))
    return attempt


def _expired(attempt: PaymentAttempt) -> bool:
    return attempt.status == Status.EXPIRED or attempt.expires_at <= timezone.now()


@transaction.atomic
def counter_payment_confirm(
    *, payment_reference: str, agent, cash: bool
) -> PaymentAttempt:
    """An agent of the order's agency confirms that the order quoting
    ``payment_reference`` was paid at the counter (``cash``) or by transfer;
    its pending counter attempt is confirmed and the order gets its receipt.
    Cash of ``PAYMENTS_CASH_SECOND_AGENT_CENTIMES`` or more takes two agents:
    the first one's confirmation is recorded and the attempt stays pending
    until another agent confirms.

    Raises InvalidPaymentReference for a reference whose check digits are
    wrong, UnknownAttempt when no counter attempt of that order is pending,
    PermissionDenied for anyone but the agency's agents, TransitionRefused
    when the attempt has expired or the same agent confirms twice.
    """
    reference = structured_reference_normalise(payment_reference)
    attempt = _locked_attempt(
        order__payment_reference=reference,
        provider="counter",
        status__in=[Status.CREATED, Status.PENDING],
    )
    require_change(agent, attempt.order)
    if _expired(attempt):
        raise TransitionRefused(_("This payment reference has expired."))
    two_agents = (
        cash and attempt.amount_centimes >= settings.PAYMENTS_CASH_SECOND_AGENT_CENTIMES
    )
    if two_agents and attempt.first_confirmed_by_id is None:
        attempt.first_confirmed_by = agent
        attempt.save(update_fields=["first_confirmed_by", "changed_at"])
        return attempt
    if two_agents and attempt.first_confirmed_by_id == agent.pk:
        raise TransitionRefused(
            _("Another agent must confirm this cash payment a second time.")
        )
    _attempt_confirm(attempt=attempt)
    attempt.confirmed_by = agent
    attempt.save(update_fields=["confirmed_by"])
    return attempt


@dataclass(frozen=True)
class CallbackAnswer:
    """The text the gateway reads in our answer, and the attempt's state."""

    text: str
    status: str


@transaction.atomic
def card_callback_handle(*, fields: dict[str, str]) -> CallbackAnswer:
    """Settle the attempt a card gateway's callback speaks of.

    The hash is checked first: without the store key's signature nothing is
    read or changed (CallbackRefused). Then the attempt's row is locked; a
    callback already handled gets the same answer again and changes nothing.
    Approved (``ProcReturnCode`` 00) for the amount asked, before the attempt
    expired: confirmed, receipt issued, answer ``ACTION=POSTAUTH`` (capture).
    Declined: failed, ``APPROVED`` (taken note of). Too late or the wrong
    amount: expired or failed, ``FAILURE`` (nothing is captured).
    """
    if not cmi_hash_valid(fields, settings.PAYMENTS_CMI_STORE_KEY):
        raise CallbackRefused(_("The payment callback's signature is not valid."))
    attempt = _locked_attempt(reference=fields.get("oid", ""), provider="cmi")
    if attempt.callback_answer:
        return CallbackAnswer(attempt.callback_answer, attempt.status)
    if _expired(attempt):
        to, answer = Status.EXPIRED, REFUSED
    elif fields.get("amount") != amount_text(attempt.amount_centimes):
        to, answer = Status.FAILED, REFUSED
    elif fields.get("ProcReturnCode") == "00":
        to, answer = Status.CONFIRMED, CAPTURE
    else:
        to, answer = Status.FAILED, ACKNOWLEDGED
    if to == Status.CONFIRMED:
        _attempt_confirm(attempt=attempt)
    elif attempt.status != to:
        attempt_transition(attempt=attempt, to=to)
    attempt.raw_callback = fields
    attempt.callback_answer = answer
    attempt.provider_transaction = fields.get("TransId", "")[:64]
    attempt.save(
        update_fields=["raw_callback", "callback_answer", "provider_transaction"]
    )
    return CallbackAnswer(answer, attempt.status)


@transaction.atomic
def refund_record(*, order: Order, amount_centimes: int, reason: str, by) -> Refund:
    """Give back ``amount_centimes`` of a paid order, for ``reason``, and
    number its credit note; the receipt stays as issued. The order is then
    partly refunded, or refunded once all is given back.

    Raises PermissionDenied for anyone but the agency's agents, RefundRefused
    without a reason, for an unpaid order, or for an amount that is not
    between one centime and what remains to refund.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    require_change(by, order)
    if not reason.strip():
        raise RefundRefused(_("Give the reason for the refund."))
    receipt = Receipt.objects.filter(order=order).first()
    if receipt is None:
        raise RefundRefused(_("Only a paid order can be refunded."))
    given = receipt.refunds.aggregate(total=Sum("amount_centimes"))["total"] or 0
    remaining = receipt.amount_centimes - given
    if not 0 < amount_centimes <= remaining:
        raise RefundRefused(
            _("A refund must be more than 0 and at most %(remaining)s MAD.")
            % {"remaining": number_format(Decimal(remaining) / 100, 2)}
        )
    year, number = number_take(
        agency_id=order.agency_id, series=ReceiptCounter.Series.CREDIT_NOTE
    )
    refund = Refund.objects.create(
        agency_id=order.agency_id,
        year=year,
        number=number,
        receipt=receipt,
        amount_centimes=amount_centimes,
        reason=reason.strip(),
        refunded_by=by,
    )
    credit_note_register(refund=refund)
    order.status = (
        Order.Status.REFUNDED
        if amount_centimes == remaining
        else Order.Status.PARTLY_REFUNDED
    )
    order.save(update_fields=["status"])
    return refund
