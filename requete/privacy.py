"""A requester's personal data in requête-e (law 09-08): the case core's
(``cases.privacy``) and the request's own free text — subject, description,
extra fields. Exported and erased on request, erased past retention; the
request's kind, place, states and dates stay for the statistics."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts import permissions
from audit.models import AuditEvent
from cases.models import Case
from cases.privacy import (
    case_personal_data,
    case_personal_data_erase,
    contact_cases,
    personal_data_audit,
    retention_expired,
)
from requete.models import SERVICE, CitizenRequest


def _cases(*, email: str, phone: str, actor) -> QuerySet[Case]:
    """The contact's requests; an actor (staff) reaches their agency's only,
    the operator's command (``actor`` None) every agency's."""
    cases = contact_cases(email=email, phone=phone).filter(service=SERVICE)
    if actor is None:
        return cases
    if not permissions.is_planner(actor):
        return cases.none()
    return cases.filter(agency_id=actor.agency_id)


@transaction.atomic
def requester_export(*, email: str = "", phone: str = "", actor=None) -> list[dict]:
    """Everything requête-e holds about this contact, one dict per request;
    each export is an audit event."""
    cases = list(
        _cases(email=email, phone=phone, actor=actor).select_related(
            "agency", "requester", "citizen_request"
        )
    )
    personal_data_audit(
        action=AuditEvent.Action.PERSONAL_DATA_EXPORTED, actor=actor, cases=cases
    )
    exported = []
    for case in cases:
        request = case.citizen_request
        exported.append(
            {
                **case_personal_data(case),
                "subject": request.subject,
                "description": request.description,
                "extra": request.extra,
            }
        )
    return exported


def _erase(cases: list[Case], *, actor, at: datetime.datetime) -> int:
    for case in cases:
        case_personal_data_erase(case, at=at)
    CitizenRequest.objects.filter(case__in=cases).update(
        subject="", description="", extra={}
    )
    personal_data_audit(
        action=AuditEvent.Action.PERSONAL_DATA_ERASED, actor=actor, cases=cases
    )
    return len(cases)


@transaction.atomic
def requester_erase(*, email: str = "", phone: str = "", actor=None) -> int:
    """Erase this contact's personal data from their requests; return how
    many requests were erased."""
    cases = list(_cases(email=email, phone=phone, actor=actor))
    return _erase(cases, actor=actor, at=timezone.now())


@transaction.atomic
def retention_purge(*, now: datetime.datetime | None = None) -> int:
    """Erase the personal data of requests closed longer ago than
    ``GEOPORTAIL_CASE_RETENTION_DAYS``; return how many."""
    now = now or timezone.now()
    cases = list(retention_expired(now=now).filter(service=SERVICE))
    return _erase(cases, actor=None, at=now)
