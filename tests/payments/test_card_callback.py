"""The card gateway's callback, with the simulator's signed callbacks: the
hash is checked before anything changes, a callback counts once, the return
page only reads."""

from __future__ import annotations

import base64
import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from payments.models import Order, PaymentAttempt, Receipt
from payments.providers.cmi import cmi_hash, cmi_hash_valid
from payments.services import attempt_start
from payments.simulator import simulated_callback
from tests.payments.conftest import URLS

S = PaymentAttempt.Status


@pytest.fixture
def card_attempt(order):
    attempt, instructions = attempt_start(order=order, provider="cmi", urls=URLS)
    return attempt, instructions.form_fields


def state(attempt):
    attempt.refresh_from_db()
    attempt.order.refresh_from_db()
    return attempt.status, attempt.order.status, Receipt.objects.count()


def test_the_form_is_signed_and_asks_for_the_orders_amount(card_attempt, settings):
    attempt, fields = card_attempt
    assert fields["oid"] == attempt.reference
    assert fields["amount"] == "150.00"
    assert fields["currency"] == "504"
    assert cmi_hash_valid(fields, settings.PAYMENTS_CMI_STORE_KEY)
    assert not cmi_hash_valid(fields, "another key")


def test_hash_version_3_sorts_naturally_and_escapes():
    # Natural, case-insensitive order: a2 before a10, B between a and c;
    # HASH and encoding are not signed; "|" and "\\" escaped.
    fields = {"a10": "x", "c": "p|q", "B": "y\\z", "a2": " w ", "HASH": "h"}
    fields_other_case = {**fields, "encoding": "UTF-8"}
    text = "w|x|y\\\\z|p\\|q|k\\|ey"
    expected = base64.b64encode(hashlib.sha512(text.encode()).digest()).decode()
    assert cmi_hash(fields, "k|ey") == expected
    assert cmi_hash(fields_other_case, "k|ey") == expected


def test_an_approved_callback_confirms_captures_and_issues_the_receipt(
    card_attempt, post_callback
):
    attempt, fields = card_attempt
    answer = post_callback(simulated_callback(fields, approved=True))
    assert answer.status_code == 200
    assert answer.content == b"ACTION=POSTAUTH"
    assert state(attempt) == (S.CONFIRMED, Order.Status.PAID, 1)
    assert attempt.raw_callback["ProcReturnCode"] == "00"
    assert attempt.receipt.number == 1


def test_a_declined_callback_fails_the_attempt_without_receipt(
    card_attempt, post_callback
):
    attempt, fields = card_attempt
    answer = post_callback(simulated_callback(fields, approved=False))
    assert answer.content == b"APPROVED"  # taken note of; nothing captured
    assert state(attempt) == (S.FAILED, Order.Status.AWAITING_PAYMENT, 0)


@pytest.mark.parametrize(
    ("approved", "tamper"),
    [
        pytest.param(True, lambda f: {**f, "amount": "1.50"}, id="amount-changed"),
        pytest.param(
            True, lambda f: {**f, "HASH": f["HASH"][:-4] + "AAA="}, id="wrong-hash"
        ),
        pytest.param(
            True, lambda f: {k: v for k, v in f.items() if k != "HASH"}, id="no-hash"
        ),
        pytest.param(
            False,
            lambda f: {**f, "ProcReturnCode": "00", "Response": "Approved"},
            id="declined-turned-approved",
        ),
    ],
)
def test_a_callback_without_the_right_hash_changes_nothing(
    card_attempt, post_callback, approved, tamper
):
    attempt, fields = card_attempt
    answer = post_callback(tamper(simulated_callback(fields, approved=approved)))
    assert answer.status_code == 403
    assert answer.content == b"FAILURE"
    assert state(attempt) == (S.PENDING, Order.Status.AWAITING_PAYMENT, 0)
    assert attempt.raw_callback is None


def test_a_repeated_callback_gets_the_same_answer_and_no_second_effect(
    card_attempt, post_callback
):
    attempt, fields = card_attempt
    callback = simulated_callback(fields, approved=True)
    first = post_callback(callback)
    second = post_callback(callback)
    # A second, different but genuine callback for the same attempt neither.
    third = post_callback(simulated_callback(fields, approved=False))
    assert first.content == second.content == third.content == b"ACTION=POSTAUTH"
    assert state(attempt) == (S.CONFIRMED, Order.Status.PAID, 1)
    assert attempt.raw_callback["TransId"] == callback["TransId"]


def test_a_callback_after_expiry_captures_nothing(card_attempt, post_callback):
    attempt, fields = card_attempt
    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    answer = post_callback(simulated_callback(fields, approved=True))
    assert answer.content == b"FAILURE"
    assert state(attempt) == (S.EXPIRED, Order.Status.AWAITING_PAYMENT, 0)
    assert attempt.raw_callback["ProcReturnCode"] == "00"  # kept as it came


def test_a_callback_for_an_unknown_attempt_is_refused(
    card_attempt, post_callback, settings
):
    _attempt, fields = card_attempt
    stranger = {**fields, "oid": "ANOSUCHATTEMPT"}
    answer = post_callback(simulated_callback(stranger, approved=True))
    assert answer.status_code == 404
    assert answer.content == b"FAILURE"


@pytest.mark.parametrize(
    ("language", "awaiting", "paid"),
    [
        ("fr", "En attente du paiement", "Payé. Reçu n°"),
        ("ar", "في انتظار الأداء", "تم الأداء. وصل رقم"),
    ],
)
def test_the_return_before_the_callback_only_reads_the_state(
    client, card_attempt, post_callback, language, awaiting, paid
):
    attempt, fields = card_attempt
    page = reverse("payments:order", args=[attempt.order.reference])
    headers = {"Accept-Language": language}
    # The gateway sends the browser back (a POST carrying the result) before
    # its callback: the page believes nothing the browser brings.
    back = client.post(page, simulated_callback(fields, approved=True), headers=headers)
    assert back.status_code == 200
    assert awaiting in back.content.decode()
    assert state(attempt) == (S.PENDING, Order.Status.AWAITING_PAYMENT, 0)
    post_callback(simulated_callback(fields, approved=True))
    after = client.get(page, headers=headers).content.decode()
    assert paid in after
    assert attempt.receipt.reference in after


def test_the_simulator_does_not_answer_when_off(client, card_attempt, settings):
    settings.PAYMENTS_SIMULATOR = False
    _attempt, fields = card_attempt
    answer = client.post(reverse("payments:simulator_pay"), fields)
    assert answer.status_code == 404
    answer = client.post(
        reverse("payments:simulator_decide"), {**fields, "outcome": "approve"}
    )
    assert answer.status_code == 404


def test_the_simulator_refuses_a_form_it_cannot_authenticate(client, card_attempt):
    _attempt, fields = card_attempt
    forged = {**fields, "amount": "0.01"}
    assert client.post(reverse("payments:simulator_pay"), forged).status_code == 404
    page = client.post(reverse("payments:simulator_pay"), fields)
    assert page.status_code == 200
    assert "150.00" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "declined"),
    [("fr", "n'a pas été accepté"), ("ar", "لم يُقبل أداؤك الأخير")],
)
def test_the_order_page_says_the_last_payment_was_declined(
    client, card_attempt, post_callback, language, declined
):
    attempt, fields = card_attempt
    page = reverse("payments:order", args=[attempt.order.reference])
    headers = {"Accept-Language": language}
    assert declined not in client.get(page, headers=headers).content.decode()
    post_callback(simulated_callback(fields, approved=False))
    assert declined in client.get(page, headers=headers).content.decode()


def test_the_order_page_says_the_last_attempt_expired(
    client, card_attempt, post_callback
):
    attempt, fields = card_attempt
    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    post_callback(simulated_callback(fields, approved=True))
    page = client.get(
        reverse("payments:order", args=[attempt.order.reference]),
        headers={"Accept-Language": "ar"},
    ).content.decode()
    assert "انتهت صلاحية محاولة أدائك الأخيرة" in page
