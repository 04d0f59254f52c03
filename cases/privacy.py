"""Personal data of cases (law 09-08): read by the handling agency only and
each reading logged; exported and erased on request; erased past retention.

The core holds a case's personal data in ``Requester``, in the texts the
requester wrote (their events) and in the outbox (recipients, bodies). An
e-service with more (requête-e's description) adds its own to what these
functions return and erase.
"""

from __future__ import annotations

import datetime
import functools

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts import permissions
from audit.models import AuditEvent
from audit.services import audit_record
from cases import codes
from cases.errors import PersonalDataRefused
from cases.models import Case, CaseAttachment, CaseEvent, Notification, Requester


def requester_view(*, case: Case, user) -> Requester:
    """The requester of ``case`` for ``user``, the reading written to the
    audit log. Raises PersonalDataRefused unless ``user`` is staff of the
    handling agency (national administrators included: not their data)."""
    if not permissions.can_view_personal_data(user, case):
        raise PersonalDataRefused(
            _("Personal data is shown to the handling agency's staff only.")
        )
    audit_record(action=AuditEvent.Action.PERSONAL_DATA_VIEWED, actor=user, obj=case)
    return case.requester


def contact_cases(*, email: str = "", phone: str = "") -> QuerySet[Case]:
    """The cases filed with this e-mail or phone number."""
    keys = Q(pk__in=[])
    if codes.email_key(email):
        keys |= Q(requester__email_key=codes.email_key(email))
    if codes.phone_key(phone):
        keys |= Q(requester__phone_key=codes.phone_key(phone))
    return Case.objects.filter(keys).order_by("created_at", "pk")


def case_personal_data(case: Case) -> dict:
    """What ``case`` holds about its requester, as JSON-ready data."""
    requester = case.requester
    return {
        "reference": case.reference,
        "agency": case.agency.code,
        "created_at": case.created_at.isoformat(),
        "name": requester.name,
        "email": requester.email,
        "phone": requester.phone,
        "messages": [
            {"at": event.at.isoformat(), "text": event.text}
            for event in case.events.filter(by_requester=True).exclude(text="")
        ],
        "attachments": [
            {"at": a.created_at.isoformat(), "name": a.name, "size": a.size}
            for a in case.attachments.filter(by_requester=True)
        ],
    }


def case_personal_data_erase(case: Case, *, at: datetime.datetime) -> None:
    """Erase what ``case`` holds about its requester; the case itself, its
    states and dates stay (statistics, the agency's accountability)."""
    Requester.objects.filter(case=case).update(
        name="", email="", phone="", email_key="", phone_key="", erased_at=at
    )
    CaseEvent.objects.filter(case=case, by_requester=True, redacted_at=None).exclude(
        text=""
    ).update(text="", redacted_at=at)
    Notification.objects.filter(case=case).update(recipient="", body="")
    # The requester's files go too, once the erasure is committed.
    attachments = CaseAttachment.objects.filter(case=case, by_requester=True)
    for attachment in attachments:
        transaction.on_commit(
            functools.partial(attachment.file.storage.delete, attachment.file.name)
        )
    attachments.delete()


@transaction.atomic
def personal_data_audit(*, action: str, actor, cases: list[Case]) -> None:
    """One audit event per case whose personal data was exported or erased."""
    for case in cases:
        audit_record(action=action, actor=actor, obj=case)


def retention_expired(*, now: datetime.datetime) -> QuerySet[Case]:
    """Closed cases kept past ``GEOPORTAIL_CASE_RETENTION_DAYS`` whose
    requester is not yet erased."""
    limit = now - datetime.timedelta(days=settings.GEOPORTAIL_CASE_RETENTION_DAYS)
    return Case.objects.filter(
        closed_at__lt=limit, requester__erased_at__isnull=True
    ).order_by("pk")
