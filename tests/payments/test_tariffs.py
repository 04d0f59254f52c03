"""Tariffs are versioned per agency and service; an order keeps its price."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError

from payments.errors import NoTariff
from payments.models import Tariff
from payments.selectors import tariff_in_force
from payments.services import order_place
from tests.payments.conftest import SERVICE


def new_price(tariff: Tariff, *, on: datetime.date, centimes: int) -> Tariff:
    Tariff.objects.filter(pk=tariff.pk).update(valid_to=on)
    return Tariff.objects.create(
        agency=tariff.agency,
        service=tariff.service,
        label_fr=tariff.label_fr,
        label_ar=tariff.label_ar,
        amount_centimes=centimes,
        legal_basis="Arrêté tarifaire n° 3/2026",
        valid_from=on,
    )


def test_the_tariff_in_force_is_the_one_of_that_day(tariff):
    newer = new_price(tariff, on=datetime.date(2026, 1, 1), centimes=20_000)
    agency = tariff.agency
    assert (
        tariff_in_force(agency=agency, service=SERVICE, on=datetime.date(2025, 12, 31))
        == tariff
    )
    assert (
        tariff_in_force(agency=agency, service=SERVICE, on=datetime.date(2026, 1, 1))
        == newer
    )


def test_no_tariff_before_the_first_or_for_another_service(tariff):
    with pytest.raises(NoTariff):
        tariff_in_force(
            agency=tariff.agency, service=SERVICE, on=datetime.date(2023, 6, 1)
        )
    with pytest.raises(NoTariff):
        tariff_in_force(
            agency=tariff.agency, service="certified-copy", on=datetime.date(2025, 1, 1)
        )


def test_the_database_refuses_overlapping_tariffs(tariff):
    with pytest.raises(IntegrityError):
        Tariff.objects.create(
            agency=tariff.agency,
            service=tariff.service,
            label_fr="x",
            label_ar="x",
            amount_centimes=1,
            legal_basis="x",
            valid_from=datetime.date(2025, 1, 1),
            valid_to=datetime.date(2025, 2, 1),
        )


def test_another_agency_may_price_the_same_service_at_the_same_time(
    tariff, other_agency
):
    Tariff.objects.create(
        agency=other_agency,
        service=tariff.service,
        label_fr="x",
        label_ar="x",
        amount_centimes=9_900,
        legal_basis="x",
        valid_from=tariff.valid_from,
    )
    assert (
        tariff_in_force(
            agency=other_agency, service=SERVICE, on=datetime.date(2025, 1, 1)
        ).amount_centimes
        == 9_900
    )


def test_an_order_keeps_the_price_of_the_day_it_was_placed(tariff, order):
    new_price(tariff, on=datetime.date(2025, 1, 1), centimes=99_900)
    order.refresh_from_db()
    assert order.amount_centimes == 15_000
    later, _created = order_place(
        agency=tariff.agency,
        service=SERVICE,
        subject="parcelle TF 1/07",
        language="fr",
        idempotency_key="later",
    )
    assert later.amount_centimes == 99_900
