"""Writing cases: opening one, moving it, its events, assignments and the
outbox. Every function runs in one transaction with the audit event it
writes; an e-service's services call these after checking their own rules."""

from __future__ import annotations

import dataclasses
import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from audit.models import AuditEvent
from audit.services import audit_record
from cases import codes
from cases.clock import Milestone, milestone_apply
from cases.errors import NotCaseHandler
from cases.models import Case, CaseEvent, Notification, Requester
from layers.models import Agency

NEXT_CASE_NUMBER = """
INSERT INTO cases_casesequence (agency_id, year, last)
VALUES (%(agency)s, %(year)s, 1)
ON CONFLICT (agency_id, year)
DO UPDATE SET last = cases_casesequence.last + 1
RETURNING last
"""


def case_number_next(*, agency_id: int, year: int) -> int:
    """The next number of the agency's cases in ``year``, safe under concurrency.

    The upsert locks the agency's row for the year until the transaction
    ends: a second filer waits, then gets the next number; a rolled-back
    filing gives its number back (no gap), a committed one is never reused.
    """
    with connection.cursor() as cursor:
        cursor.execute(NEXT_CASE_NUMBER, {"agency": agency_id, "year": year})
        return cursor.fetchone()[0]


@dataclasses.dataclass(frozen=True)
class RequesterData:
    """How to reach the person who files: an e-mail, a phone, or both."""

    name: str = ""
    email: str = ""
    phone: str = ""


@transaction.atomic
def case_open(
    *,
    agency: Agency,
    service: str,
    state: str,
    language: str,
    acknowledge_days: int,
    answer_days: int,
    requester: RequesterData,
    handling_group=None,
    at: datetime.datetime | None = None,
) -> tuple[Case, str]:
    """Open a case of ``service`` in ``state`` (its clock not yet started).

    Returns the case, whose reference is ``<agency prefix>-<year>-<6 digits>``,
    and its follow code — shown once, only its digest is stored.
    """
    at = at or timezone.now()
    year = timezone.localdate(at).year
    number = case_number_next(agency_id=agency.pk, year=year)
    code = codes.follow_code_new()
    case = Case.objects.create(
        reference=f"{agency.note_prefix}-{year}-{number:06d}",
        agency=agency,
        service=service,
        state=state,
        language=language,
        created_at=at,
        acknowledge_days=acknowledge_days,
        answer_days=answer_days,
        follow_code_digest=codes.follow_code_digest(code),
        handling_group=handling_group,
    )
    Requester.objects.create(
        case=case,
        name=requester.name,
        email=requester.email,
        phone=requester.phone,
        email_key=codes.email_key(requester.email),
        phone_key=codes.phone_key(requester.phone),
    )
    CaseEvent.objects.create(
        case=case, at=at, kind=CaseEvent.Kind.FILED, by_requester=True, to_state=state
    )
    audit_record(
        action=AuditEvent.Action.CASE_FILED, obj=case, details={"service": service}
    )
    return case, code


def require_handler(user, case: Case) -> None:
    """Raise NotCaseHandler unless ``user`` may act on ``case``."""
    if not permissions.can_handle_case(user, case):
        raise NotCaseHandler(_("Only the handling agency's staff may do this."))


@transaction.atomic
def case_move(
    *,
    case: Case,
    to_state: str,
    milestone: Milestone | None,
    actor=None,
    by_requester: bool = False,
    public: bool = True,
    text: str = "",
    data: dict | None = None,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """Put ``case`` in ``to_state`` and move its clock for ``milestone``;
    append the event and the audit event. The caller checked the move is
    allowed (its state machine) and who asks (``require_handler``, or the
    requester's follow code)."""
    at = at or timezone.now()
    from_state = case.state
    case.state = to_state
    if milestone is not None:
        milestone_apply(case, milestone, at)
    case.save()
    event = CaseEvent.objects.create(
        case=case,
        at=at,
        kind=CaseEvent.Kind.STATE,
        actor=actor,
        by_requester=by_requester,
        public=public,
        from_state=from_state,
        to_state=to_state,
        text=text,
        data=data or {},
    )
    audit_record(
        action=AuditEvent.Action.CASE_STATE_CHANGED,
        actor=actor,
        obj=case,
        details={"from": from_state, "to": to_state, "by_requester": by_requester},
    )
    return event


def case_event_add(
    *,
    case: Case,
    kind: str,
    actor=None,
    by_requester: bool = False,
    public: bool = True,
    text: str = "",
    data: dict | None = None,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """Append an event that does not change the state (a message, a rating,
    an attachment). Internal notes are ``public=False``."""
    return CaseEvent.objects.create(
        case=case,
        at=at or timezone.now(),
        kind=kind,
        actor=actor,
        by_requester=by_requester,
        public=public,
        text=text,
        data=data or {},
    )


@transaction.atomic
def case_assign(
    *, case: Case, assignee, actor, at: datetime.datetime | None = None
) -> CaseEvent:
    """Give ``case`` to ``assignee`` (None: to nobody), who must be able to
    handle it; the assignment is an internal event and an audit event."""
    require_handler(actor, case)
    if assignee is not None:
        require_handler(assignee, case)
    case.assignee = assignee
    case.save(update_fields=["assignee"])
    audit_record(
        action=AuditEvent.Action.CASE_ASSIGNED,
        actor=actor,
        obj=case,
        details={"assignee": assignee.get_username() if assignee else None},
    )
    return case_event_add(
        case=case,
        kind=CaseEvent.Kind.ASSIGNMENT,
        actor=actor,
        public=False,
        data={"assignee_id": assignee.pk if assignee else None},
        at=at,
    )


def notification_queue(*, case: Case, subject: str, body: str) -> list[Notification]:
    """Queue ``body`` to the requester on each channel they gave (an e-mail,
    a text message): rows of the outbox, sent by ``outbox_send`` once the
    caller's transaction commits."""
    requester = case.requester
    channels = [
        (Notification.Channel.EMAIL, requester.email),
        (Notification.Channel.SMS, requester.phone),
    ]
    return [
        Notification.objects.create(
            case=case, channel=channel, recipient=recipient, subject=subject, body=body
        )
        for channel, recipient in channels
        if recipient
    ]


def notification_queue_once(
    *, key: str, recipient: str, subject: str, body: str
) -> bool:
    """Queue an e-mail to ``recipient`` (staff, about no one case) unless a
    message with ``key`` was queued before; returns whether it was queued.
    The unique index on the key settles two runs racing."""
    _, created = Notification.objects.get_or_create(
        once_key=key,
        defaults={
            "channel": Notification.Channel.EMAIL,
            "recipient": recipient,
            "subject": subject,
            "body": body,
        },
    )
    return created
