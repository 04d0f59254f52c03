"""The state machine of a permit file: which action moves a file from which
states to which, and the clock's milestone it reaches (``cases.clock``).

    filed → complete → in commission → opinion given → authorised | refused;
    authorised → works started → completed (conformity); a deferred opinion
    sends the file back to complete, its clock paused until the missing
    pieces come; before a decision the applicant may withdraw; an
    authorisation whose works never started lapses. Final states accept no
    action.

The clock: the completeness check is due ``completeness_days`` after filing
(the case's acknowledgement), the decision ``legal_days`` after filing (its
answer), pushed back while the agency waits for missing pieces.

``State`` is public; ``Substate`` is the agency's own detail of where a file
stands (never shown to the public) — as in the Dutch Omgevingsloket's public
and internal states.
"""

from __future__ import annotations

import dataclasses

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.clock import Milestone


class State(models.TextChoices):
    FILED = "filed", pgettext_lazy("a permit file", "Filed")
    COMPLETE = "complete", pgettext_lazy("a permit file", "Complete")
    IN_COMMISSION = "in_commission", pgettext_lazy("a permit file", "In commission")
    OPINION_GIVEN = "opinion_given", pgettext_lazy("a permit file", "Opinion given")
    AUTHORISED = "authorised", pgettext_lazy("a permit file", "Authorised")
    REFUSED = "refused", pgettext_lazy("a permit file", "Refused")
    WORKS_STARTED = "works_started", pgettext_lazy("a permit file", "Works started")
    COMPLETED = "completed", pgettext_lazy("a permit file", "Completed (conformity)")
    WITHDRAWN = "withdrawn", pgettext_lazy("a permit file", "Withdrawn")
    LAPSED = "lapsed", pgettext_lazy("a permit file", "Lapsed")


class Substate(models.TextChoices):
    NONE = "", _("None")
    AWAITING_PIECES = "awaiting_pieces", _("Awaiting missing pieces")
    CONSULTING = "consulting", _("Consulting services")
    DRAFTING = "drafting", _("Drafting the decision")


class Action(models.TextChoices):
    DECLARE_COMPLETE = "declare_complete", _("Declare complete")
    SCHEDULE = "schedule", _("Put on a commission's agenda")
    GIVE_OPINION = "give_opinion", _("Give the opinion")
    DEFER = "defer", _("Defer (missing pieces)")
    RECEIVE_PIECES = "receive_pieces", _("Missing pieces received")
    AUTHORISE = "authorise", _("Authorise")
    REFUSE = "refuse", _("Refuse")
    START_WORKS = "start_works", _("Works started")
    CERTIFY_CONFORMITY = "certify_conformity", _("Certify conformity")
    WITHDRAW = "withdraw", _("Withdraw")
    LAPSE = "lapse", _("Declare lapsed")


FINAL = frozenset({State.REFUSED, State.COMPLETED, State.WITHDRAWN, State.LAPSED})
# Before the decision: the applicant may still withdraw the file.
UNDECIDED = frozenset(
    {State.FILED, State.COMPLETE, State.IN_COMMISSION, State.OPINION_GIVEN}
)


@dataclasses.dataclass(frozen=True)
class Transition:
    sources: frozenset[State]
    target: State
    milestone: Milestone | None
    # The sub-state the file must be in (None: any) and the one it gets.
    requires: Substate | None = None
    substate: Substate = Substate.NONE


TRANSITIONS: dict[Action, Transition] = {
    Action.DECLARE_COMPLETE: Transition(
        frozenset({State.FILED}), State.COMPLETE, Milestone.ACKNOWLEDGED
    ),
    Action.SCHEDULE: Transition(
        frozenset({State.COMPLETE}),
        State.IN_COMMISSION,
        None,
        requires=Substate.NONE,
    ),
    Action.GIVE_OPINION: Transition(
        frozenset({State.IN_COMMISSION}), State.OPINION_GIVEN, None
    ),
    Action.DEFER: Transition(
        frozenset({State.IN_COMMISSION}),
        State.COMPLETE,
        Milestone.PAUSED,
        substate=Substate.AWAITING_PIECES,
    ),
    Action.RECEIVE_PIECES: Transition(
        frozenset({State.COMPLETE}),
        State.COMPLETE,
        Milestone.RESUMED,
        requires=Substate.AWAITING_PIECES,
    ),
    Action.AUTHORISE: Transition(
        frozenset({State.OPINION_GIVEN}), State.AUTHORISED, Milestone.ANSWERED
    ),
    Action.REFUSE: Transition(
        frozenset({State.OPINION_GIVEN}), State.REFUSED, Milestone.ANSWERED
    ),
    Action.START_WORKS: Transition(
        frozenset({State.AUTHORISED}), State.WORKS_STARTED, None
    ),
    Action.CERTIFY_CONFORMITY: Transition(
        frozenset({State.WORKS_STARTED}), State.COMPLETED, Milestone.CLOSED
    ),
    Action.WITHDRAW: Transition(UNDECIDED, State.WITHDRAWN, Milestone.CLOSED),
    Action.LAPSE: Transition(
        frozenset({State.AUTHORISED}), State.LAPSED, Milestone.CLOSED
    ),
}
