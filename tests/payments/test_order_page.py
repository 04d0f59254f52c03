"""A citizen orders from a page: the price and its legal basis first; a
double submit places one order."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from payments.models import Order
from tests.payments.conftest import SERVICE

NEW = "/payments/orders/new"


@pytest.fixture
def query(agency, tariff):
    return {"agency": agency.code, "service": SERVICE, "subject": "TF 12/07"}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["150,00 DH", "Passer la commande"]),
        ("ar", ["150,00 درهم", "تقديم الطلب"]),
    ],
)
def test_the_page_shows_the_price_and_places_one_order(client, query, language, words):
    headers = {"Accept-Language": language}
    page = client.get(NEW, query, headers=headers).content.decode()
    for word in words:
        assert word in page
    assert "Arrêté tarifaire n° 12/2024" in page
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    first = client.post(NEW, {**query, "idempotency_key": key}, headers=headers)
    again = client.post(NEW, {**query, "idempotency_key": key}, headers=headers)
    order = Order.objects.get()
    assert first["Location"] == again["Location"]
    assert first["Location"] == reverse("payments:order", args=[order.reference])
    assert order.language == language
    assert order.amount_centimes == 15_000


def test_a_form_without_its_key_places_nothing(client, query):
    answer = client.post(NEW, {**query, "idempotency_key": ""})
    assert answer.status_code == 400
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "change",
    [{"agency": "nowhere"}, {"subject": ""}, {"subject": "x" * 201}],
)
def test_an_unknown_agency_or_missing_subject_is_a_404(client, query, change):
    assert client.get(NEW, {**query, **change}).status_code == 404


def test_a_service_without_tariff_says_so(client, query):
    answer = client.get(NEW, {**query, "service": "certified-copy"})
    assert answer.status_code == 404
    assert "ne perçoit pas de redevance" in answer.content.decode()
