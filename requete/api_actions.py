"""The staff's moves of a request in the JSON API
(``POST /api/v1/requests/<reference>/actions``): each action's name mapped
to its service in ``requete.services``, with the body's fields it takes.
The services check who asks and the state; this only reads the body."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from core.errors import BadRequest
from requete import services
from requete.models import CitizenRequest
from requete.states import Action


def text_field(data: dict, name: str) -> str:
    """The text of field ``name`` of a JSON body ("" when absent or null);
    BadRequest naming it when it is not text."""
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequest(
            _("“%(name)s” must be text.") % {"name": name},
            code="invalid_field",
            details={"fields": {name: _("Write text.")}},
        )
    return value


def _original(request: CitizenRequest, data: dict) -> CitizenRequest:
    original = CitizenRequest.objects.filter(
        case__reference=text_field(data, "original").strip().upper(),
        case__agency_id=request.case.agency_id,
    ).first()
    if original is None:
        raise BadRequest(
            _("The original must be another submitted request of the agency."),
            code="original_invalid",
        )
    return original


def _citations(data: dict) -> list[services.Citation]:
    given = data.get("citations") or []
    if not isinstance(given, list) or not all(isinstance(c, dict) for c in given):
        raise BadRequest(
            _("“%(name)s” must be a list of objects.") % {"name": "citations"},
            code="invalid_field",
        )
    citations = []
    for citation in given:
        rule = citation.get("zone_rule")
        if rule is not None and (isinstance(rule, bool) or not isinstance(rule, int)):
            raise BadRequest(
                _("“%(name)s” must be a whole number.") % {"name": "zone_rule"},
                code="invalid_field",
            )
        citations.append(
            services.Citation(
                zone_rule_id=rule, article=text_field(citation, "article")
            )
        )
    return citations


Move = Callable[[CitizenRequest, object, dict], object]

ACTIONS: dict[str, Move] = {
    Action.ACKNOWLEDGE: lambda request, actor, data: services.request_acknowledge(
        request=request, actor=actor
    ),
    Action.REVIEW: lambda request, actor, data: services.request_review(
        request=request, actor=actor
    ),
    Action.ASK: lambda request, actor, data: services.request_ask(
        request=request, actor=actor, question=text_field(data, "text")
    ),
    Action.RESUME: lambda request, actor, data: services.request_resume(
        request=request, actor=actor
    ),
    Action.ANSWER: lambda request, actor, data: services.request_answer(
        request=request,
        actor=actor,
        answer=text_field(data, "text"),
        citations=_citations(data),
    ),
    Action.CLOSE: lambda request, actor, data: services.request_close(
        request=request, actor=actor
    ),
    Action.REJECT: lambda request, actor, data: services.request_reject(
        request=request, actor=actor, reason=text_field(data, "text")
    ),
    Action.MARK_DUPLICATE: lambda request, actor, data: services.request_mark_duplicate(
        request=request, actor=actor, original=_original(request, data)
    ),
    Action.REDIRECT: lambda request, actor, data: services.request_redirect(
        request=request,
        actor=actor,
        authority=text_field(data, "authority"),
        explanation=text_field(data, "text"),
    ),
}


def action_take(*, request: CitizenRequest, actor, data: dict) -> None:
    """Take the body's ``action`` on ``request`` as ``actor``; BadRequest
    naming the staff's actions when it is not one of them."""
    name = data.get("action")
    move = ACTIONS.get(name) if isinstance(name, str) else None
    if move is None:
        raise BadRequest(
            _("action must be one of: %(actions)s.") % {"actions": ", ".join(ACTIONS)},
            code="invalid_action",
        )
    move(request, actor, data)
