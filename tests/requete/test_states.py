"""The state machine, every action from every state: the allowed moves reach
their state and write one event; every other one is refused with a
translated message and changes nothing."""

from __future__ import annotations

import itertools

import pytest
from django.utils import translation

from cases.models import Case, CaseEvent
from requete.errors import ConfirmationInvalid, TransitionRefused
from requete.states import TRANSITIONS, Action, State
from tests.requete_fixtures import act

S = State
OPEN = [S.SUBMITTED, S.ACKNOWLEDGED, S.IN_REVIEW, S.WAITING]

# The issue's machine, written out independently of requete.states.
ALLOWED: dict[tuple[State, str], State] = {
    (S.UNCONFIRMED, "confirm"): S.SUBMITTED,
    (S.UNCONFIRMED, "withdraw"): S.WITHDRAWN,
    (S.SUBMITTED, "acknowledge"): S.ACKNOWLEDGED,
    (S.ACKNOWLEDGED, "review"): S.IN_REVIEW,
    (S.IN_REVIEW, "ask"): S.WAITING,
    (S.WAITING, "reply"): S.IN_REVIEW,
    (S.WAITING, "resume"): S.IN_REVIEW,
    (S.IN_REVIEW, "answer"): S.ANSWERED,
    (S.ANSWERED, "close"): S.CLOSED,
    (S.ANSWERED, "reopen"): S.IN_REVIEW,
    **{(state, "reject"): S.INADMISSIBLE for state in OPEN},
    **{(state, "mark_duplicate"): S.DUPLICATE for state in OPEN},
    **{(state, "redirect"): S.NOT_COMPETENT for state in OPEN},
    **{(state, "withdraw"): S.WITHDRAWN for state in OPEN},
}
EVERY = list(itertools.product(list(State), [action.value for action in Action]))


def test_the_table_is_the_issues_machine():
    implemented = {
        (source, action.value): transition.target
        for action, transition in TRANSITIONS.items()
        for source in transition.sources
    }
    assert implemented == ALLOWED


@pytest.mark.parametrize(("state", "action"), EVERY, ids=lambda v: str(v))
def test_every_action_from_every_state(state, action, request_in, planner):
    filed = request_in(state)
    original = request_in(State.SUBMITTED).request
    case = Case.objects.get(pk=filed.request.pk)
    events = CaseEvent.objects.filter(case=case).count()
    target = ALLOWED.get((state, action))
    if target is not None:
        act(action, filed, staff=planner, original=original)
        case.refresh_from_db()
        assert case.state == target
        last = CaseEvent.objects.filter(case=case).order_by("-id").first()
        assert (last.from_state, last.to_state) == (state, target)
        assert CaseEvent.objects.filter(case=case).count() == events + 1
        return
    refused = ConfirmationInvalid if action == "confirm" else TransitionRefused
    with translation.override("ar"), pytest.raises(refused) as caught:
        act(action, filed, staff=planner, original=original)
    assert any("\u0600" <= character <= "\u06ff" for character in caught.value.message)
    case.refresh_from_db()
    assert case.state == state
    assert CaseEvent.objects.filter(case=case).count() == events
