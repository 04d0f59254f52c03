"""Payment at the counter or by transfer, confirmed by an agent of the agency."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import User
from payments.errors import InvalidPaymentReference, TransitionRefused, UnknownAttempt
from payments.models import Order, PaymentAttempt, Receipt
from payments.services import attempt_start, counter_payment_confirm
from tests.payments.conftest import URLS


@pytest.fixture
def counter_attempt(order):
    attempt, _instructions = attempt_start(order=order, provider="counter", urls=URLS)
    return attempt


def spaced(reference: str) -> str:
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


def test_an_agent_of_the_agency_confirms_a_counter_payment(counter_attempt, planner):
    order = counter_attempt.order
    attempt = counter_payment_confirm(
        payment_reference=spaced(order.payment_reference).lower(),
        agent=planner,
        cash=True,
    )
    assert attempt.pk == counter_attempt.pk
    assert attempt.status == PaymentAttempt.Status.CONFIRMED
    assert attempt.confirmed_by == planner
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.receipt.amount_centimes == 15_000


def test_a_second_confirmation_finds_nothing_pending(counter_attempt, planner):
    reference = counter_attempt.order.payment_reference
    counter_payment_confirm(payment_reference=reference, agent=planner, cash=True)
    with pytest.raises(UnknownAttempt):
        counter_payment_confirm(payment_reference=reference, agent=planner, cash=True)
    assert Receipt.objects.count() == 1


@pytest.mark.parametrize("who", ["other_planner", "anonymous"])
def test_nobody_else_confirms(counter_attempt, other_planner, who):
    agent = other_planner if who == "other_planner" else AnonymousUser()
    with pytest.raises(PermissionDenied):
        counter_payment_confirm(
            payment_reference=counter_attempt.order.payment_reference,
            agent=agent,
            cash=True,
        )
    counter_attempt.refresh_from_db()
    assert counter_attempt.status == PaymentAttempt.Status.PENDING


def test_a_mistyped_reference_is_refused(counter_attempt, planner):
    reference = counter_attempt.order.payment_reference
    # One character changed: MOD 97-10 catches every single substitution.
    typo = reference[:-1] + ("2" if reference[-1] != "2" else "3")
    with pytest.raises(InvalidPaymentReference):
        counter_payment_confirm(payment_reference=typo, agent=planner, cash=True)


def test_an_expired_reference_is_refused(counter_attempt, planner):
    PaymentAttempt.objects.filter(pk=counter_attempt.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(TransitionRefused):
        counter_payment_confirm(
            payment_reference=counter_attempt.order.payment_reference,
            agent=planner,
            cash=True,
        )
    assert not Receipt.objects.exists()


def test_a_paid_order_takes_no_new_attempt(counter_attempt, planner):
    counter_payment_confirm(
        payment_reference=counter_attempt.order.payment_reference,
        agent=planner,
        cash=True,
    )
    with pytest.raises(TransitionRefused):
        attempt_start(order=counter_attempt.order, provider="cmi", urls=URLS)


@pytest.fixture
def second_agent(agency):
    return User.objects.create_user("second-agent", agency=agency)


def test_cash_above_the_threshold_takes_two_agents(
    counter_attempt, planner, second_agent, payments_settings
):
    payments_settings.PAYMENTS_CASH_SECOND_AGENT_CENTIMES = 15_000
    reference = counter_attempt.order.payment_reference
    first = counter_payment_confirm(
        payment_reference=reference, agent=planner, cash=True
    )
    assert first.status == PaymentAttempt.Status.PENDING
    assert first.first_confirmed_by == planner
    assert not Receipt.objects.exists()
    with pytest.raises(TransitionRefused):
        counter_payment_confirm(payment_reference=reference, agent=planner, cash=True)
    done = counter_payment_confirm(
        payment_reference=reference, agent=second_agent, cash=True
    )
    assert done.status == PaymentAttempt.Status.CONFIRMED
    assert (done.first_confirmed_by, done.confirmed_by) == (planner, second_agent)
    assert Receipt.objects.count() == 1


def test_a_transfer_or_cash_below_the_threshold_takes_one_agent(
    make_order, planner, payments_settings
):
    for key, cash, threshold in (("cash", True, 15_001), ("transfer", False, 100)):
        payments_settings.PAYMENTS_CASH_SECOND_AGENT_CENTIMES = threshold
        order = make_order(key)
        attempt_start(order=order, provider="counter", urls=URLS)
        attempt = counter_payment_confirm(
            payment_reference=order.payment_reference, agent=planner, cash=cash
        )
        assert attempt.status == PaymentAttempt.Status.CONFIRMED
