"""Writing permit files and commission sessions. Each function runs in one
transaction with its case events and audit events; who may act is asked of
``accounts.permissions`` through the case core's ``require_handler``."""

from __future__ import annotations

import dataclasses
import datetime
import decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts import permissions
from audit.models import AuditEvent
from audit.services import audit_record
from cases.clock import Milestone, milestone_apply
from cases.models import Case
from cases.services import RequesterData, case_move, case_open, require_handler
from layers.models import Agency, ZoneRule
from library.models import Article
from parcels.models import Parcel
from parcels.references import InvalidReference, ParcelReference
from permits.errors import FilingRefused, OpinionRefused, TransitionRefused
from permits.minutes import minutes_issue
from permits.models import (
    SERVICE,
    AgendaItem,
    CommissionSession,
    Condition,
    Opinion,
    PermitFile,
    PermitParcel,
    Procedure,
    SessionMember,
)
from permits.states import TRANSITIONS, Action, State

# The date each state records when a file reaches it.
DATE_OF_STATE = {
    State.COMPLETE: "complete_on",
    State.OPINION_GIVEN: "reviewed_on",
    State.AUTHORISED: "decided_on",
    State.REFUSED: "decided_on",
    State.WORKS_STARTED: "works_started_on",
    State.COMPLETED: "completed_on",
}


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight of ``day`` in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def parcel_key(reference: str) -> str:
    """The key a file's parcel is found by: the canonical key of a parcel
    reference, or the text upper-cased without spaces when it is not one."""
    try:
        return ParcelReference.parse(reference).key
    except InvalidReference:
        return "".join(reference.split()).upper()


@dataclasses.dataclass(frozen=True)
class PermitFiling:
    """What a file is when the agency learns of it."""

    agency: Agency
    procedure: Procedure
    external_reference: str
    filed_on: datetime.date
    parcels: tuple[str, ...]
    applicant: RequesterData = dataclasses.field(default_factory=RequesterData)
    architect: str = ""
    description: str = ""
    use: str = PermitFile.Use.HOUSING
    floors: int | None = None
    built_area_m2: decimal.Decimal | None = None
    address: str = ""
    do_not_publish: bool = False
    language: str = "fr"


def _check_filing(filing: PermitFiling) -> None:
    fields = {}
    if not filing.external_reference.strip():
        fields["external_reference"] = _("The file number is required.")
    elif PermitFile.objects.filter(
        agency=filing.agency, external_reference=filing.external_reference.strip()
    ).exists():
        fields["external_reference"] = _("The agency already has a file numbered so.")
    if filing.procedure.agency_id != filing.agency.pk:
        fields["procedure"] = _("This procedure is another agency's.")
    if not any(reference.strip() for reference in filing.parcels):
        fields["parcels"] = _("Name at least one parcel.")
    if filing.filed_on > timezone.localdate():
        fields["filed_on"] = _("The filing date cannot be in the future.")
    if fields:
        raise FilingRefused(
            _("The file cannot be recorded: %(reasons)s")
            % {"reasons": " ".join(str(reason) for reason in fields.values())},
            details={"fields": fields},
        )


def parcels_link(*, file: PermitFile, references: tuple[str, ...]) -> None:
    """Replace the parcels of ``file``: each reference is linked to the
    agency's registered parcel of that key when there is one; the file's
    point is put on the first registered parcel."""
    file.parcels.all().delete()
    point = None
    for reference in (text.strip() for text in references):
        if not reference:
            continue
        key = parcel_key(reference)
        parcel = Parcel.objects.filter(agency=file.agency, reference_key=key).first()
        PermitParcel.objects.create(
            file=file, parcel=parcel, reference=reference, reference_key=key
        )
        if point is None and parcel is not None:
            point = parcel.geom.point_on_surface
    file.point = point


@transaction.atomic
def permit_file(*, filing: PermitFiling, actor=None) -> tuple[PermitFile, str]:
    """Record a file filed on ``filing.filed_on``; its clock starts then.

    Returns the file and its short code — printed on the filing receipt,
    only its digest is stored. Raises FilingRefused with the fields at fault.
    ``actor`` is the agency's planner, or None for an operator's command or
    an import (which checked who asks).
    """
    if actor is not None and not _is_agency_staff(actor, filing.agency):
        raise FilingRefused(_("Only the agency's staff may record its files."))
    _check_filing(filing)
    at = start_of(filing.filed_on)
    case, code = case_open(
        agency=filing.agency,
        service=SERVICE,
        state=State.FILED,
        language=filing.language,
        acknowledge_days=filing.procedure.completeness_days,
        answer_days=filing.procedure.legal_days,
        requester=filing.applicant,
        at=at,
    )
    # The clock starts at filing: staff see the file at once.
    milestone_apply(case, Milestone.SUBMITTED, at)
    case.save()
    file = PermitFile(
        case=case,
        agency=filing.agency,
        external_reference=filing.external_reference.strip(),
        procedure=filing.procedure,
        description=filing.description,
        use=filing.use,
        floors=filing.floors,
        built_area_m2=filing.built_area_m2,
        address=filing.address,
        architect=filing.architect,
        do_not_publish=filing.do_not_publish,
        filed_on=filing.filed_on,
    )
    # Its key is the case's: insert at once, no UPDATE tried first.
    file.save(force_insert=True)
    parcels_link(file=file, references=filing.parcels)
    file.save(update_fields=["point"])
    return file, code


def _is_agency_staff(user, agency: Agency) -> bool:
    return permissions.is_planner(user) and user.agency_id == agency.pk


@transaction.atomic
def permit_move(
    *,
    file: PermitFile,
    action: Action,
    actor,
    text: str = "",
    at: datetime.datetime | None = None,
) -> PermitFile:
    """Take ``action`` on ``file`` for ``actor`` (a planner of its agency).

    Raises NotCaseHandler for anyone else and TransitionRefused when the
    file's state or sub-state does not allow the action.
    """
    case = Case.objects.select_for_update().get(pk=file.pk)
    require_handler(actor, case)
    file = PermitFile.objects.select_for_update().get(pk=file.pk)
    transition = TRANSITIONS[action]
    allowed = case.state in transition.sources and (
        transition.requires is None or file.substate == transition.requires
    )
    if not allowed:
        raise TransitionRefused(
            _("A file that is “%(state)s” cannot be moved so: %(action)s.")
            % {"state": State(case.state).label, "action": Action(action).label},
            details={"state": case.state, "action": action},
        )
    at = at or timezone.now()
    case_move(
        case=case,
        to_state=transition.target,
        milestone=transition.milestone,
        actor=actor,
        text=text,
        data={"action": action},
        at=at,
    )
    file.case = case
    file.substate = transition.substate
    date_field = DATE_OF_STATE.get(transition.target)
    if date_field and transition.sources != {transition.target}:
        setattr(file, date_field, timezone.localdate(at))
    file.updated_at = timezone.now()
    file.save()
    return file


@dataclasses.dataclass(frozen=True)
class MemberInput:
    role: str
    name: str
    organisation: str = ""


@transaction.atomic
def session_create(
    *,
    agency: Agency,
    held_on: datetime.date,
    kind: str,
    members: tuple[MemberInput, ...],
    actor,
    origin: str = "",
) -> CommissionSession:
    """A commission session of ``agency`` with its members, recording the
    ``origin`` (scheme and host) of the request that created it, where its
    minutes' QR codes point without GEOPORTAIL_PUBLIC_URL."""
    if not _is_agency_staff(actor, agency):
        raise OpinionRefused(_("Only the agency's staff may hold its commissions."))
    session = CommissionSession.objects.create(
        agency=agency, held_on=held_on, kind=kind, origin=origin
    )
    SessionMember.objects.bulk_create(
        SessionMember(
            session=session,
            role=member.role,
            name=member.name,
            organisation=member.organisation,
        )
        for member in members
    )
    audit_record(action=AuditEvent.Action.CREATED, actor=actor, obj=session)
    return session


@transaction.atomic
def agenda_add(*, session: CommissionSession, file: PermitFile, actor) -> AgendaItem:
    """Put ``file`` (complete, of the session's agency) on the agenda; it
    goes "in commission"."""
    if file.agency_id != session.agency_id:
        raise OpinionRefused(_("A session examines its own agency's files only."))
    permit_move(file=file, action=Action.SCHEDULE, actor=actor)
    position = session.agenda.count() + 1
    return AgendaItem.objects.create(session=session, file=file, position=position)


@dataclasses.dataclass(frozen=True)
class ConditionInput:
    """A condition as staff write it, citing a zone rule (by id) or an
    article (``loi-12-90:art-40``) when it applies one."""

    text: str
    zone_rule_id: int | None = None
    article_reference: str = ""


def _article_exists(reference: str) -> bool:
    key, _sep, number = reference.partition(":art-")
    if not number:
        return False
    return Article.objects.filter(text__key=key, number=number).exists()


def _conditions_check(
    agency: Agency, kind: str, conditions: tuple[ConditionInput, ...]
) -> None:
    if kind == Opinion.Kind.CONDITIONAL and not conditions:
        raise OpinionRefused(
            _("A favourable opinion with conditions needs at least one condition.")
        )
    if kind != Opinion.Kind.CONDITIONAL and conditions:
        raise OpinionRefused(_("Only a favourable opinion with conditions has any."))
    for number, condition in enumerate(conditions, start=1):
        if not condition.text.strip():
            raise OpinionRefused(
                _("Condition %(number)d has no text.") % {"number": number}
            )
        if (
            condition.zone_rule_id is not None
            and not ZoneRule.objects.filter(
                pk=condition.zone_rule_id, document__agency=agency
            ).exists()
        ):
            raise OpinionRefused(
                _("Condition %(number)d cites a zone rule the agency does not have.")
                % {"number": number}
            )
        reference = condition.article_reference.strip()
        if reference and not _article_exists(reference):
            raise OpinionRefused(
                _(
                    "Condition %(number)d cites “%(reference)s”, which the law "
                    "library does not hold."
                )
                % {"number": number, "reference": reference}
            )


@transaction.atomic
def opinion_record(
    *,
    item: AgendaItem,
    kind: str,
    actor,
    grounds: str = "",
    missing_pieces: str = "",
    conditions: tuple[ConditionInput, ...] = (),
) -> Opinion:
    """Record the commission's opinion on ``item``'s file. A deferral sends
    the file back to complete, its clock paused until the pieces come; any
    other opinion moves it to "opinion given". Raises OpinionRefused."""
    session = item.session
    _conditions_check(session.agency, kind, conditions)
    if kind == Opinion.Kind.DEFERRED and not missing_pieces.strip():
        raise OpinionRefused(_("A deferral names the missing pieces it waits for."))
    if Opinion.objects.filter(item=item).exists():
        raise OpinionRefused(_("This file already has its opinion in this session."))
    action = Action.DEFER if kind == Opinion.Kind.DEFERRED else Action.GIVE_OPINION
    file = permit_move(file=item.file, action=action, actor=actor)
    opinion = Opinion.objects.create(
        item=item,
        kind=kind,
        grounds=grounds,
        missing_pieces=missing_pieces,
        recorded_by=actor,
    )
    Condition.objects.bulk_create(
        Condition(
            opinion=opinion,
            position=number,
            text=condition.text.strip(),
            zone_rule_id=condition.zone_rule_id,
            article_reference=condition.article_reference.strip(),
        )
        for number, condition in enumerate(conditions, start=1)
    )
    # The review's date is the session's, not the day it was typed in.
    if kind != Opinion.Kind.DEFERRED:
        PermitFile.objects.filter(pk=file.pk).update(reviewed_on=session.held_on)
    audit_record(
        action=AuditEvent.Action.CREATED,
        actor=actor,
        obj=opinion,
        details={"file": file.external_reference, "kind": kind},
    )
    return opinion


@transaction.atomic
def session_publish(*, session: CommissionSession, actor) -> CommissionSession:
    """Make the session's results public (its page and the agency's feed)
    and issue its minutes through document-e in the publisher's language
    (``permits.minutes``; other languages on their first ask). Publishing
    again serves the minutes already issued."""
    if not _is_agency_staff(actor, session.agency):
        raise OpinionRefused(_("Only the agency's staff may publish its results."))
    CommissionSession.objects.filter(pk=session.pk).update(published_at=timezone.now())
    session.refresh_from_db()
    audit_record(action=AuditEvent.Action.CHANGED, actor=actor, obj=session)
    minutes_issue(session=session, language=get_language(), actor=actor)
    return session
