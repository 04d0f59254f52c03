"""Calls for tenders of the tests' own agencies (never the demo's)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tenders.models import CallForTenders, TenderStatus

CASABLANCA = timezone.get_fixed_timezone(60)  # Morocco's legal time, UTC+1


@pytest.fixture
def make_call(db):
    def make(agency, reference: str = "AO n° 12/2026", **values) -> CallForTenders:
        deadline = values.pop("deadline", timezone.now() + datetime.timedelta(days=10))
        defaults = {
            "object_fr": "Étude d'aménagement du centre de Témara",
            "object_ar": "دراسة تهيئة مركز تمارة",
            "published_on": datetime.date(2026, 11, 20),
            "deadline": deadline,
            "opening_at": deadline + datetime.timedelta(hours=1),
            "opening_place_fr": "Siège de l'agence, salle des réunions",
            "estimate": Decimal("1250000.00"),
            "deposit": Decimal("15000.00"),
            "status": TenderStatus.OPEN,
        }
        defaults.update(values)
        return CallForTenders.objects.create(
            agency=agency, reference=reference, **defaults
        )

    return make
