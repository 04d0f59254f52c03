"""Every change of an attempt's state, allowed or refused, table-driven."""

from __future__ import annotations

import itertools

import pytest

from payments.errors import TransitionRefused
from payments.models import PaymentAttempt
from payments.services import attempt_start, attempt_transition
from tests.payments.conftest import URLS

S = PaymentAttempt.Status
ALLOWED = {
    (S.CREATED, S.PENDING),
    (S.CREATED, S.FAILED),
    (S.CREATED, S.EXPIRED),
    (S.PENDING, S.CONFIRMED),
    (S.PENDING, S.FAILED),
    (S.PENDING, S.EXPIRED),
}
PAIRS = list(itertools.product(S.values, S.values))


@pytest.mark.parametrize(("start", "to"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_transition(order, start, to):
    attempt, _instructions = attempt_start(order=order, provider="counter", urls=URLS)
    PaymentAttempt.objects.filter(pk=attempt.pk).update(status=start)
    attempt.refresh_from_db()
    if (start, to) in ALLOWED:
        attempt_transition(attempt=attempt, to=to)
        attempt.refresh_from_db()
        assert attempt.status == to
    else:
        with pytest.raises(TransitionRefused):
            attempt_transition(attempt=attempt, to=to)
        attempt.refresh_from_db()
        assert attempt.status == start


@pytest.mark.parametrize(
    ("provider", "minutes"), [("cmi", 30), ("counter", 15 * 24 * 60)]
)
def test_a_started_attempt_is_pending_until_its_providers_deadline(
    order, payments_settings, provider, minutes
):
    payments_settings.PAYMENTS_ATTEMPT_MINUTES = 30
    payments_settings.PAYMENTS_COUNTER_DAYS = 15
    attempt, _instructions = attempt_start(order=order, provider=provider, urls=URLS)
    assert attempt.status == S.PENDING
    waited = (attempt.expires_at - attempt.created_at).total_seconds() / 60
    assert minutes - 0.1 < waited < minutes + 0.1
