"""The calls for tenders' JSON shapes (``tenders/openapi.py`` describes them)."""

from __future__ import annotations

from decimal import Decimal

from tenders.models import CallForTenders


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def call_data(call: CallForTenders, *, documents: bool = False) -> dict:
    data = {
        "id": call.pk,
        "agency": call.agency.code,
        "reference": call.reference,
        "object_fr": call.object_fr,
        "object_ar": call.object_ar,
        "procedure": call.procedure,
        "published_on": call.published_on,
        "deadline": call.deadline,
        "open_now": call.is_open_now,
        "opening_at": call.opening_at,
        "opening_place_fr": call.opening_place_fr,
        "opening_place_ar": call.opening_place_ar,
        "estimate": _amount(call.estimate),
        "deposit": _amount(call.deposit),
        "status": call.status,
        "result": {
            "awardee": call.awardee,
            "amount": _amount(call.award_amount),
            "awarded_on": call.awarded_on,
        }
        if call.awardee
        else None,
    }
    if documents:
        data["documents"] = [
            {"title_fr": d.title_fr, "title_ar": d.title_ar, "url": d.download_url}
            for d in call.documents.all()
        ]
    return data
