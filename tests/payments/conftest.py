"""Fees of a small agency, an order and helpers that play the card gateway."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from payments.issuing import receipt_issues_due
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


# A service that delivers nothing here (the official note, which must name a
# parcel, has its tests in tests/notes/test_official.py).
SERVICE = "file-study"


@pytest.fixture
def tariff(agency, payments_settings):
    return Tariff.objects.create(
        agency=agency,
        service=SERVICE,
        label_fr="Étude de dossier",
        label_ar="دراسة ملف",
        label_en="Study of a file",
        amount_centimes=15_000,
        legal_basis="Arrêté tarifaire n° 12/2024",
        valid_from=datetime.date(2024, 1, 1),
    )


@pytest.fixture
def make_order(agency, tariff):
    def make(key: str = "key-1", subject: str = "parcelle TF 12345/07"):
        order, _created = order_place(
            agency=agency,
            service=SERVICE,
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


def worker_run() -> None:
    """Do the worker's part: a paid order's documents are issued after the
    payment commits. (The worker itself closes the connection that holds a
    test's transaction; tests/payments/test_issuing.py runs it for real.)"""
    receipt_issues_due()
