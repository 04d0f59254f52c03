"""Placing an order, idempotently, through the service and the API."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from payments.errors import IdempotencyKeyReused
from payments.models import Order
from tests.payments.conftest import SERVICE

URL = "/api/v1/payments/orders"


def test_the_same_key_and_request_give_the_same_order(make_order):
    first = make_order("same")
    again = make_order("same")
    assert again.pk == first.pk
    assert Order.objects.filter(idempotency_key="same").count() == 1


def test_the_same_key_with_another_request_is_refused(make_order):
    make_order("same")
    with pytest.raises(IdempotencyKeyReused):
        make_order("same", subject="parcelle TF 99/07")
    assert Order.objects.count() == 1


def test_an_order_has_a_public_and_a_structured_reference(order):
    assert order.reference.startswith("P-")
    assert order.payment_reference.startswith("RF")
    assert order.status == Order.Status.AWAITING_PAYMENT


def post(client, body: dict, key: str | None, language: str = "fr"):
    headers = {"Accept-Language": language}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(
        URL, json.dumps(body), content_type="application/json", headers=headers
    )


@pytest.fixture
def body(agency, tariff):
    return {
        "agency": agency.code,
        "service": SERVICE,
        "subject": "parcelle TF 12345/07",
        "language": "ar",
    }


def test_the_api_creates_then_repeats_the_order(client, body):
    created = post(client, body, "k-1")
    repeated = post(client, body, "k-1")
    assert created.status_code == 201
    assert repeated.status_code == 200
    assert created.json() == repeated.json()
    assert created.json()["amount_centimes"] == 15_000
    page = client.get(created.json()["page"], headers={"Accept-Language": "ar"})
    assert "دراسة ملف" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "déjà été utilisée"), ("ar", "سبق استعمال")],
)
def test_the_api_refuses_a_key_reused_for_another_body(client, body, language, words):
    post(client, body, "k-1")
    answer = post(client, {**body, "subject": "TF 1/07"}, "k-1", language)
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "idempotency_key_reused"
    assert words in answer.json()["error"]["message"]


def test_the_api_requires_an_idempotency_key(client, body):
    answer = post(client, body, None)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "idempotency_key_required"
    assert not Order.objects.exists()


def test_the_api_answers_a_service_without_tariff(client, body):
    answer = post(client, {**body, "service": "certified-copy"}, "k-2")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "no_tariff"


def test_an_unknown_order_page_is_a_404(client, db):
    assert client.get(reverse("payments:order", args=["P-NONE"])).status_code == 404


def test_a_retry_after_the_price_changed_gets_its_order(make_order, tariff):
    first = make_order("retry")
    tariff.valid_to = timezone.localdate()
    tariff.save()
    again = make_order("retry")  # no tariff in force today any more
    assert again.pk == first.pk
    assert again.amount_centimes == 15_000


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_place_one_order(make_order):
    start = threading.Barrier(4)
    placed, errors = [], []

    def place():
        try:
            start.wait()
            placed.append(make_order("same-time").pk)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=place) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(placed)) == 1
    assert Order.objects.filter(idempotency_key="same-time").count() == 1
