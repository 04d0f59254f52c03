"""Writing requests: filing, confirming and every move of the state machine.

Each move is one function (keyword-only, typed, one transaction) that checks
who asks — staff of the handling agency (``accounts.permissions``), or the
requester by their follow code — and that ``requete.states`` allows it from
the request's state, then moves the case (``cases.services.case_move``: the
event, the clock, the audit event) and queues the requester's notification
in their language. Refusals are ``GeoportalError``s with a translated message.
Pages, the API and Open311 are thin layers over these.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import permissions
from audit.models import AuditEvent
from audit.services import audit_record
from cases import codes
from cases.attachments import case_attachment_add
from cases.errors import NotCaseHandler
from cases.models import Case, CaseAttachment, CaseEvent
from cases.services import (
    RequesterData,
    case_assign,
    case_event_add,
    case_move,
    case_open,
    notification_queue,
    require_handler,
)
from layers.models import ZoneRule
from requete import abuse
from requete.errors import ConfirmationInvalid, FilingRefused, TransitionRefused
from requete.models import SERVICE, CitizenRequest, RequestKind
from requete.places import PlaceInput, place_resolve
from requete.schema import extra_validate
from requete.states import OPEN, REQUESTER, STAFF, TRANSITIONS, Action, State

MAX_SUBJECT = 200
MAX_TEXT = 5000
LANGUAGES = {"fr", "ar", "en"}


@dataclasses.dataclass(frozen=True)
class RequestFiling:
    """A filing as the citizen gave it (parsed by the page or the API)."""

    kind: RequestKind
    requester_type: str
    subject: str
    description: str
    requester: RequesterData
    place: PlaceInput = dataclasses.field(default_factory=PlaceInput)
    extra: dict | None = None
    language: str = "fr"
    honeypot: str = ""


@dataclasses.dataclass(frozen=True)
class Filed:
    """A filed request, its follow code and its confirmation token — both
    shown or sent once, neither stored as such."""

    request: CitizenRequest
    follow_code: str
    confirmation_token: str


@dataclasses.dataclass(frozen=True)
class Citation:
    """What an answer relies on: a zone rule of the agency, or an article."""

    zone_rule_id: int | None = None
    article: str = ""


def _field_refused(field: str, message: str) -> FilingRefused:
    return FilingRefused(message, details={"fields": {field: message}})


def _filing_check(filing: RequestFiling) -> None:
    if not filing.kind.active:
        raise _field_refused("kind", _("This kind of request is no longer taken."))
    if filing.requester_type not in CitizenRequest.RequesterType.values:
        raise _field_refused("requester_type", _("Say who you are filing as."))
    if not filing.subject.strip() or len(filing.subject) > MAX_SUBJECT:
        raise _field_refused(
            "subject",
            _("Give a subject of at most %(count)d characters.")
            % {"count": MAX_SUBJECT},
        )
    if not filing.description.strip() or len(filing.description) > MAX_TEXT:
        raise _field_refused(
            "description",
            _("Describe your request in at most %(count)d characters.")
            % {"count": MAX_TEXT},
        )
    contact = filing.requester
    if not (contact.email.strip() or contact.phone.strip()):
        raise _field_refused(
            "email", _("Give an e-mail address or a phone number to confirm.")
        )
    if contact.email.strip():
        try:
            validate_email(contact.email.strip())
        except ValidationError as exc:
            raise _field_refused(
                "email", _("This e-mail address is not valid.")
            ) from exc
    digits = sum(character.isdigit() for character in contact.phone)
    if contact.phone.strip() and not 8 <= digits <= 15:
        raise _field_refused("phone", _("This phone number is not valid."))


def _notify(case: Case, body: str) -> None:
    notification_queue(
        case=case,
        subject=_("Your request %(reference)s") % {"reference": case.reference},
        body=body,
    )


def _confirmation_link(token: str) -> str:
    return f"{settings.GEOPORTAIL_PUBLIC_URL}/requests/confirm/{token}"


def _follow_link(reference: str) -> str:
    return f"{settings.GEOPORTAIL_PUBLIC_URL}/requests/follow?reference={reference}"


@transaction.atomic
def request_file(
    *, filing: RequestFiling, client_address: str, at: datetime.datetime | None = None
) -> Filed:
    """File a request: checked, counted against the limits, stored as
    "unconfirmed" (invisible to staff), and a confirmation link queued to the
    requester's e-mail or phone.

    Raises FilingRefused (a field, the honeypot) or TooManyRequests.
    """
    at = at or timezone.now()
    abuse.honeypot_check(filing.honeypot)
    _filing_check(filing)
    kind = filing.kind
    extra = extra_validate(kind.extra_schema, filing.extra)
    place = place_resolve(agency=kind.agency, given=filing.place)
    contact = filing.requester
    abuse.contact_quota_check(email=contact.email, phone=contact.phone, now=at)
    abuse.address_quota_take(client_address)
    language = filing.language if filing.language in LANGUAGES else "fr"
    case, follow_code = case_open(
        agency=kind.agency,
        service=SERVICE,
        state=State.UNCONFIRMED,
        language=language,
        acknowledge_days=kind.acknowledge_days,
        answer_days=kind.answer_days,
        requester=RequesterData(
            name=contact.name.strip()[:200],
            email=contact.email.strip(),
            phone=contact.phone.strip(),
        ),
        handling_group=kind.handling_group,
        at=at,
    )
    request = CitizenRequest.objects.create(
        case=case,
        kind=kind,
        requester_type=filing.requester_type,
        subject=filing.subject.strip(),
        description=filing.description.strip(),
        extra=extra,
        place=place.place,
        drawn=place.drawn,
        parcel=place.parcel,
        note_reference=place.note_reference,
        zone_version=place.zone_version,
        zone_code=place.zone_code,
        document=place.document,
    )
    token = abuse.confirmation_token(case)
    hours = settings.GEOPORTAIL_REQUEST_CONFIRM_HOURS
    with translation.override(language):
        _notify(
            case,
            ngettext(
                "To confirm your request %(reference)s, open this link within "
                "%(count)d hour: %(link)s",
                "To confirm your request %(reference)s, open this link within "
                "%(count)d hours: %(link)s",
                hours,
            )
            % {
                "reference": case.reference,
                "count": hours,
                "link": _confirmation_link(token),
            }
            + "\n"
            # The follow code is not repeated: shown once, stored as an HMAC.
            + _(
                "Then follow it at %(link)s with its reference and the follow "
                "code shown when you filed it."
            )
            % {"link": _follow_link(case.reference)},
        )
    return Filed(request=request, follow_code=follow_code, confirmation_token=token)


def _locked(request: CitizenRequest) -> CitizenRequest:
    """The request with its case locked for the move (two staff clicking at
    once: the second sees the first one's state)."""
    request.case = Case.objects.select_for_update().get(pk=request.pk)
    return request


def _act(
    *,
    request: CitizenRequest,
    action: Action,
    actor=None,
    follow_code: str | None = None,
    text: str = "",
    data: dict | None = None,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """Check who asks and the state, then move. ``follow_code`` None with no
    actor is the confirmation (the signed token was the proof)."""
    case = _locked(request).case
    transition = TRANSITIONS[action]
    if transition.by == STAFF:
        require_handler(actor, case)
    elif follow_code is not None and not codes.follow_code_matches(
        follow_code, case.follow_code_digest
    ):
        raise NotCaseHandler(_("The follow code is not this request's."))
    if case.state not in transition.sources:
        raise TransitionRefused(
            _("“%(action)s” is not possible on a request that is “%(state)s”.")
            % {"action": action.label, "state": State(case.state).label},
            details={"state": case.state, "action": action.value},
        )
    return case_move(
        case=case,
        to_state=transition.target,
        milestone=transition.milestone,
        actor=actor if transition.by == STAFF else None,
        by_requester=transition.by == REQUESTER,
        text=text,
        data=data,
        at=at,
    )


def _required(text: str, message: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise FilingRefused(message, code="text_required")
    return text


def _due_date(case: Case) -> str:
    return formats.date_format(timezone.localdate(case.answer_due_at), "DATE_FORMAT")


@transaction.atomic
def request_confirm(
    *, token: str, at: datetime.datetime | None = None
) -> CitizenRequest:
    """Confirm a filing by its link: "submitted", the clock starts, staff
    see it. Raises ConfirmationInvalid (forged, expired, used)."""
    case_id = abuse.confirmation_case_id(token)
    request = CitizenRequest.objects.filter(pk=case_id).select_related("case").first()
    if request is None:
        raise ConfirmationInvalid(_("This confirmation link is not valid."))
    if _locked(request).case.state != State.UNCONFIRMED:
        raise ConfirmationInvalid(
            _("This confirmation link was already used."), code="confirmation_used"
        )
    _act(request=request, action=Action.CONFIRM, at=at)
    case = request.case
    with translation.override(case.language):
        _notify(
            case,
            _(
                "Your request %(reference)s is registered. Follow it with its "
                "reference and your follow code."
            )
            % {"reference": case.reference},
        )
    return request


@transaction.atomic
def request_acknowledge(
    *, request: CitizenRequest, actor, at: datetime.datetime | None = None
) -> CaseEvent:
    """Acknowledge receipt; the requester is told when the answer is due."""
    event = _act(request=request, action=Action.ACKNOWLEDGE, actor=actor, at=at)
    case = request.case
    with translation.override(case.language):
        _notify(
            case,
            _(
                "Your request %(reference)s has been acknowledged. An answer is "
                "due by %(date)s."
            )
            % {"reference": case.reference, "date": _due_date(case)},
        )
    return event


@transaction.atomic
def request_review(
    *, request: CitizenRequest, actor, at: datetime.datetime | None = None
) -> CaseEvent:
    """Start examining an acknowledged request."""
    return _act(request=request, action=Action.REVIEW, actor=actor, at=at)


@transaction.atomic
def request_ask(
    *,
    request: CitizenRequest,
    actor,
    question: str,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """Ask the requester for more; the clock pauses until they reply."""
    question = _required(question, _("Write the question to the requester."))
    event = _act(request=request, action=Action.ASK, actor=actor, text=question, at=at)
    case = request.case
    with translation.override(case.language):
        _notify(
            case,
            _("The agency needs more from you about your request %(reference)s:")
            % {"reference": case.reference}
            + "\n"
            + question,
        )
    return event


@transaction.atomic
def request_reply(
    *,
    request: CitizenRequest,
    follow_code: str,
    reply: str,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """The requester answers the agency's question; the clock runs again."""
    reply = _required(reply, _("Write your reply."))
    return _act(
        request=request,
        action=Action.REPLY,
        follow_code=follow_code,
        text=reply,
        at=at,
    )


@transaction.atomic
def request_resume(
    *, request: CitizenRequest, actor, at: datetime.datetime | None = None
) -> CaseEvent:
    """Staff stop waiting for the requester (no reply came, or by phone)."""
    return _act(request=request, action=Action.RESUME, actor=actor, at=at)


def _citations(request: CitizenRequest, citations: Sequence[Citation]) -> list[dict]:
    cited = []
    for citation in citations:
        if citation.zone_rule_id is not None:
            rule = (
                ZoneRule.objects.filter(
                    pk=citation.zone_rule_id,
                    document__agency_id=request.case.agency_id,
                )
                .select_related("document")
                .first()
            )
            if rule is None:
                raise FilingRefused(
                    _("The cited zone rule is not one of the agency's."),
                    code="citation_unknown",
                )
            cited.append(
                {
                    "zone_rule": rule.pk,
                    "document": rule.document.reference,
                    "zone": rule.code,
                    "articles": rule.articles,
                }
            )
        if citation.article.strip():
            cited.append({"article": citation.article.strip()[:300]})
    return cited


@transaction.atomic
def request_answer(
    *,
    request: CitizenRequest,
    actor,
    answer: str,
    citations: Sequence[Citation] = (),
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """Answer the request, citing the zone rules or articles relied on."""
    answer = _required(answer, _("Write the answer."))
    cited = _citations(request, citations)
    event = _act(
        request=request,
        action=Action.ANSWER,
        actor=actor,
        text=answer,
        data={"citations": cited},
        at=at,
    )
    case = request.case
    with translation.override(case.language):
        _notify(
            case,
            _("Your request %(reference)s has been answered:")
            % {"reference": case.reference}
            + "\n"
            + answer,
        )
    return event


@transaction.atomic
def request_close(
    *, request: CitizenRequest, actor, at: datetime.datetime | None = None
) -> CaseEvent:
    """Close an answered request."""
    event = _act(request=request, action=Action.CLOSE, actor=actor, at=at)
    case = request.case
    with translation.override(case.language):
        _notify(
            case,
            _("Your request %(reference)s is closed.") % {"reference": case.reference},
        )
    return event


@transaction.atomic
def request_reopen(
    *,
    request: CitizenRequest,
    follow_code: str,
    reason: str,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """The requester reopens an answered request, within
    ``GEOPORTAIL_REQUEST_REOPEN_DAYS`` of the answer; a new answer period
    starts. Raises TransitionRefused past the window."""
    at = at or timezone.now()
    reason = _required(reason, _("Say why you reopen the request."))
    case = _locked(request).case
    window = datetime.timedelta(days=settings.GEOPORTAIL_REQUEST_REOPEN_DAYS)
    if case.answered_at is not None and at > case.answered_at + window:
        raise TransitionRefused(
            ngettext(
                "An answer may be contested within %(count)d day only.",
                "An answer may be contested within %(count)d days only.",
                settings.GEOPORTAIL_REQUEST_REOPEN_DAYS,
            )
            % {"count": settings.GEOPORTAIL_REQUEST_REOPEN_DAYS},
            code="reopen_window_passed",
        )
    return _act(
        request=request,
        action=Action.REOPEN,
        follow_code=follow_code,
        text=reason,
        at=at,
    )


@transaction.atomic
def request_reject(
    *, request: CitizenRequest, actor, reason: str, at: datetime.datetime | None = None
) -> CaseEvent:
    """End the request as inadmissible, saying why."""
    reason = _required(reason, _("Say why the request is inadmissible."))
    event = _act(request=request, action=Action.REJECT, actor=actor, text=reason, at=at)
    case = request.case
    with translation.override(case.language):
        _notify(
            case,
            _("Your request %(reference)s cannot be admitted:")
            % {"reference": case.reference}
            + "\n"
            + reason,
        )
    return event


@transaction.atomic
def request_mark_duplicate(
    *,
    request: CitizenRequest,
    actor,
    original: CitizenRequest,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """End the request as a duplicate of ``original`` (same agency, submitted,
    not itself a duplicate), which is handled instead."""
    original = CitizenRequest.objects.select_related("case").get(pk=original.pk)
    valid = (
        original.pk != request.pk
        and original.case.agency_id == request.case.agency_id
        and original.case.submitted_at is not None
        and original.duplicate_of_id is None
    )
    if not valid:
        raise FilingRefused(
            _("The original must be another submitted request of the agency."),
            code="original_invalid",
        )
    event = _act(
        request=request,
        action=Action.MARK_DUPLICATE,
        actor=actor,
        data={"original": original.case.reference},
        at=at,
    )
    request.duplicate_of = original
    request.save(update_fields=["duplicate_of"])
    case = request.case
    with translation.override(case.language):
        _notify(
            case,
            _(
                "Your request %(reference)s repeats request %(original)s, which "
                "is handled instead."
            )
            % {"reference": case.reference, "original": original.case.reference},
        )
    return event


@transaction.atomic
def request_redirect(
    *,
    request: CitizenRequest,
    actor,
    authority: str,
    explanation: str = "",
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """End the request as not within the agency's competence, naming the
    competent authority — required: never a bare "not our job"."""
    authority = authority.strip()
    if not authority or len(authority) > 200:
        raise FilingRefused(
            _("Name the competent authority the requester should address."),
            code="authority_required",
        )
    event = _act(
        request=request,
        action=Action.REDIRECT,
        actor=actor,
        text=explanation.strip(),
        data={"authority": authority},
        at=at,
    )
    request.competent_authority = authority
    request.save(update_fields=["competent_authority"])
    case = request.case
    with translation.override(case.language):
        _notify(
            case,
            _(
                "Your request %(reference)s is not within the agency's competence. "
                "Address it to: %(authority)s."
            )
            % {"reference": case.reference, "authority": authority},
        )
    return event


@transaction.atomic
def request_withdraw(
    *, request: CitizenRequest, follow_code: str, at: datetime.datetime | None = None
) -> CaseEvent:
    """The requester withdraws a request not yet answered."""
    return _act(request=request, action=Action.WITHDRAW, follow_code=follow_code, at=at)


@transaction.atomic
def request_rate(
    *,
    request: CitizenRequest,
    follow_code: str,
    score: int,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """The requester rates the answer, 1 to 5, once."""
    case = _locked(request).case
    if not codes.follow_code_matches(follow_code, case.follow_code_digest):
        raise NotCaseHandler(_("The follow code is not this request's."))
    if case.state not in {State.ANSWERED, State.CLOSED} or case.answered_at is None:
        raise TransitionRefused(
            _("Only an answered request can be rated."), code="rating_refused"
        )
    if request.rating is not None:
        raise TransitionRefused(
            _("This answer was already rated."), code="rating_refused"
        )
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise FilingRefused(_("Rate from 1 to 5."), code="rating_invalid")
    request.rating = score
    request.save(update_fields=["rating"])
    return case_event_add(
        case=case,
        kind=CaseEvent.Kind.RATING,
        by_requester=True,
        text=comment.strip()[:MAX_TEXT],
        data={"score": score},
        at=at,
    )


@transaction.atomic
def request_message_add(
    *,
    request: CitizenRequest,
    actor,
    text: str,
    public: bool,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """A staff message on the request: public (the requester is told) or an
    internal note (never shown to the requester)."""
    text = _required(text, _("Write the message."))
    case = _locked(request).case
    require_handler(actor, case)
    event = case_event_add(
        case=case,
        kind=CaseEvent.Kind.MESSAGE,
        actor=actor,
        public=public,
        text=text,
        at=at,
    )
    if public:
        with translation.override(case.language):
            _notify(
                case,
                _("A message about your request %(reference)s:")
                % {"reference": case.reference}
                + "\n"
                + text,
            )
    return event


@transaction.atomic
def requests_assign(
    *, requests: Sequence[CitizenRequest], actor, assignee
) -> list[CaseEvent]:
    """Give each of ``requests`` to ``assignee`` (bulk assignment from the
    queue); all or none: one the actor may not handle refuses them all."""
    if not permissions.is_planner(actor):
        raise NotCaseHandler(_("Only the handling agency's staff may do this."))
    return [
        case_assign(case=_locked(request).case, assignee=assignee, actor=actor)
        for request in requests
    ]


@transaction.atomic
def request_attach(
    *, request: CitizenRequest, follow_code: str, name: str, content: bytes
) -> CaseAttachment:
    """The requester joins a file (PDF, JPEG, PNG: ``cases.attachments``) to
    a request still being handled. Raises AttachmentRefused, or
    TransitionRefused once the request is answered or ended."""
    case = _locked(request).case
    if not codes.follow_code_matches(follow_code, case.follow_code_digest):
        raise NotCaseHandler(_("The follow code is not this request's."))
    if case.state not in OPEN:
        raise TransitionRefused(
            _("Files may be added only while the request is being handled."),
            code="attachment_closed",
        )
    return case_attachment_add(case=case, name=name, content=content, by_requester=True)


@transaction.atomic
def request_public_text_publish(
    *, request: CitizenRequest, actor, text: str
) -> CitizenRequest:
    """Publish ``text`` — the agency's redacted version of what the request
    is about — on the request's public pages; an empty text withdraws it.
    The requester's own words are never public: only this text is.
    Audited. Raises NotCaseHandler, TransitionRefused for a request not yet
    submitted (it has no public page), FilingRefused for a text too long."""
    case = _locked(request).case
    require_handler(actor, case)
    if case.submitted_at is None:
        raise TransitionRefused(
            _("Only a submitted request has a public page."),
            code="public_text_refused",
        )
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise FilingRefused(
            _("Write a public text of at most %(count)d characters.")
            % {"count": MAX_TEXT},
            code="public_text_too_long",
        )
    request.public_text = text
    request.save(update_fields=["public_text"])
    audit_record(
        action=AuditEvent.Action.CHANGED,
        actor=actor,
        obj=request,
        details={"public_text": text},
    )
    return request
