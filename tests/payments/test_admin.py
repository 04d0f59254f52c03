"""The fee schedule in the admin: national administrators add tariffs; an
overlapping one is refused with a message, not a server error."""

from __future__ import annotations

import datetime

from payments.models import Tariff
from tests.payments.conftest import SERVICE

ADD = "/admin/payments/tariff/add/"


def form(tariff, **changes) -> dict:
    data = {
        "agency": tariff.agency_id,
        "service": tariff.service,
        "label_fr": "Copie certifiée",
        "label_ar": "نسخة مصادق عليها",
        "label_en": "",
        "amount_centimes": "5000",
        "legal_basis": "Arrêté tarifaire n° 3/2026",
        "valid_from": "2026-01-01",
        "valid_to": "",
    }
    data.update(changes)
    return data


def test_an_overlapping_tariff_is_refused_with_a_message(client, tariff, administrator):
    client.force_login(administrator)
    answer = client.post(ADD, form(tariff), headers={"Accept-Language": "fr"})
    assert answer.status_code == 200
    assert "errornote" in answer.content.decode()
    # This agency's only (the demo's fee may be in the database too).
    assert Tariff.objects.filter(agency=tariff.agency).count() == 1


def test_a_new_price_after_the_old_one_is_closed(client, tariff, administrator):
    client.force_login(administrator)
    change = f"/admin/payments/tariff/{tariff.pk}/change/"
    client.post(change, {"valid_to": "2026-01-01"})
    tariff.refresh_from_db()
    assert tariff.valid_to == datetime.date(2026, 1, 1)
    answer = client.post(ADD, form(tariff, service=SERVICE))
    assert answer.status_code == 302
    assert Tariff.objects.filter(agency=tariff.agency).count() == 2


def test_planners_do_not_see_the_fee_schedule(client, tariff, planner):
    client.force_login(planner)
    assert client.get("/admin/payments/tariff/").status_code == 403
