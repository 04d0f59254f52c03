"""The state machine of requête-e: which action moves a request from which
states to which, who may take it, and the clock's milestone it reaches.

    unconfirmed → submitted → acknowledged → in review ⇄ waiting → answered
    → closed; answered → in review again when the requester reopens it;
    before an answer, staff may end a request as inadmissible, duplicate or
    not competent (naming the competent authority), the requester may
    withdraw it. Final states accept no action.
"""

from __future__ import annotations

import dataclasses

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.clock import Milestone


class State(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_REVIEW = "in_review", _("In review")
    WAITING = "waiting", _("Waiting for the requester")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    INADMISSIBLE = "inadmissible", _("Inadmissible")
    DUPLICATE = "duplicate", _("Duplicate")
    NOT_COMPETENT = "not_competent", _("Not competent")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Action(models.TextChoices):
    CONFIRM = "confirm", _("Confirm")
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    REVIEW = "review", _("Start the review")
    ASK = "ask", _("Ask the requester")
    REPLY = "reply", _("Reply")
    RESUME = "resume", _("Resume the review")
    ANSWER = "answer", _("Answer")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")
    REJECT = "reject", _("Declare inadmissible")
    MARK_DUPLICATE = "mark_duplicate", _("Mark as duplicate")
    REDIRECT = "redirect", _("Declare not competent")
    WITHDRAW = "withdraw", _("Withdraw")


STAFF = "staff"
REQUESTER = "requester"

FINAL = frozenset(
    {
        State.CLOSED,
        State.INADMISSIBLE,
        State.DUPLICATE,
        State.NOT_COMPETENT,
        State.WITHDRAWN,
    }
)
# States in which staff may still end a request without answering it.
OPEN = frozenset({State.SUBMITTED, State.ACKNOWLEDGED, State.IN_REVIEW, State.WAITING})


@dataclasses.dataclass(frozen=True)
class Transition:
    sources: frozenset[State]
    target: State
    by: str  # STAFF or REQUESTER
    milestone: Milestone | None


TRANSITIONS: dict[Action, Transition] = {
    Action.CONFIRM: Transition(
        frozenset({State.UNCONFIRMED}), State.SUBMITTED, REQUESTER, Milestone.SUBMITTED
    ),
    Action.ACKNOWLEDGE: Transition(
        frozenset({State.SUBMITTED}), State.ACKNOWLEDGED, STAFF, Milestone.ACKNOWLEDGED
    ),
    Action.REVIEW: Transition(
        frozenset({State.ACKNOWLEDGED}), State.IN_REVIEW, STAFF, None
    ),
    Action.ASK: Transition(
        frozenset({State.IN_REVIEW}), State.WAITING, STAFF, Milestone.PAUSED
    ),
    Action.REPLY: Transition(
        frozenset({State.WAITING}), State.IN_REVIEW, REQUESTER, Milestone.RESUMED
    ),
    Action.RESUME: Transition(
        frozenset({State.WAITING}), State.IN_REVIEW, STAFF, Milestone.RESUMED
    ),
    Action.ANSWER: Transition(
        frozenset({State.IN_REVIEW}), State.ANSWERED, STAFF, Milestone.ANSWERED
    ),
    Action.CLOSE: Transition(
        frozenset({State.ANSWERED}), State.CLOSED, STAFF, Milestone.CLOSED
    ),
    Action.REOPEN: Transition(
        frozenset({State.ANSWERED}), State.IN_REVIEW, REQUESTER, Milestone.REOPENED
    ),
    Action.REJECT: Transition(OPEN, State.INADMISSIBLE, STAFF, Milestone.CLOSED),
    Action.MARK_DUPLICATE: Transition(OPEN, State.DUPLICATE, STAFF, Milestone.CLOSED),
    Action.REDIRECT: Transition(OPEN, State.NOT_COMPETENT, STAFF, Milestone.CLOSED),
    Action.WITHDRAW: Transition(
        OPEN | {State.UNCONFIRMED}, State.WITHDRAWN, REQUESTER, Milestone.CLOSED
    ),
}
