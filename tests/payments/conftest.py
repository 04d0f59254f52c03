"""Fees of a small agency, an order and helpers that play the card gateway."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from payments.models import Tariff
from payments.providers.base import ReturnUrls
from payments.services import order_place

URLS = ReturnUrls(
    ok="http://testserver/ok", fail="http://testserver/fail", callback="http://cb"
)


@pytest.fixture
def payments_settings(settings):
    settings.PAYMENTS_CMI_STORE_KEY = "test-store-key|with\\odd chars"
    settings.PAYMENTS_SIMULATOR = True
    return settings


@pytest.fixture
def tariff(agency, payments_settings):
    return Tariff.objects.create(
        agency=agency,
        service="official-note",
        label_fr="Note de renseignements urbanistiques officielle",
        label_ar="مذكرة المعلومات التعميرية الرسمية",
        label_en="Official urban information note",
        amount_centimes=15_000,
        legal_basis="Arrêté tarifaire n° 12/2024",
        valid_from=datetime.date(2024, 1, 1),
    )


@pytest.fixture
def make_order(agency, tariff):
    def make(key: str = "key-1", subject: str = "parcelle TF 12345/07"):
        order, _created = order_place(
            agency=agency,
            service="official-note",
            subject=subject,
            language="ar",
            idempotency_key=key,
            origin="http://testserver",
        )
        return order

    return make


@pytest.fixture
def order(make_order):
    return make_order()


@pytest.fixture
def post_callback(client):
    def post(fields: dict):
        return client.post(reverse("payments:card_callback"), fields)

    return post
