"""The demo agency can be paid through the simulator: it has a fee."""

from __future__ import annotations

from payments.models import Tariff


def test_the_demo_agency_has_a_fee_for_an_official_note(db, demo):
    tariff = Tariff.objects.get(agency=demo, service="official-note")
    assert tariff.amount_centimes > 0
    assert tariff.label_ar
