"""The permit file's state machine: every action from every state, allowed
exactly where ``permits.states`` says, and the deadlines it keeps."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases.clock import is_overdue
from cases.errors import NotCaseHandler
from cases.models import Case, CaseEvent
from permits.errors import TransitionRefused
from permits.models import PermitFile
from permits.services import permit_move, start_of
from permits.states import TRANSITIONS, Action, State, Substate

PAIRS = [(action, state) for action in Action for state in State]


def _put(file: PermitFile, state: State, substate: Substate) -> PermitFile:
    Case.objects.filter(pk=file.pk).update(state=state)
    PermitFile.objects.filter(pk=file.pk).update(substate=substate)
    return PermitFile.objects.select_related("case").get(pk=file.pk)


@pytest.mark.parametrize(("action", "state"), PAIRS)
def test_each_action_from_each_state(make_file, planner, action, state):
    transition = TRANSITIONS[action]
    substate = transition.requires or Substate.NONE
    file = _put(make_file()[0], state, substate)
    if state in transition.sources:
        moved = permit_move(file=file, action=action, actor=planner)
        assert moved.case.state == transition.target
        assert moved.substate == transition.substate
        event = CaseEvent.objects.filter(case_id=file.pk).last()
        assert (event.from_state, event.to_state) == (state, transition.target)
    else:
        with pytest.raises(TransitionRefused):
            permit_move(file=file, action=action, actor=planner)
        assert Case.objects.get(pk=file.pk).state == state


def test_final_states_accept_no_action():
    for state in (State.REFUSED, State.COMPLETED, State.WITHDRAWN, State.LAPSED):
        sources = {s for t in TRANSITIONS.values() for s in t.sources}
        assert state not in sources


def test_pieces_are_received_only_when_awaited(make_file, planner):
    file = _put(make_file()[0], State.COMPLETE, Substate.NONE)
    with pytest.raises(TransitionRefused):
        permit_move(file=file, action=Action.RECEIVE_PIECES, actor=planner)


def test_a_file_awaiting_pieces_is_not_scheduled(make_file, planner):
    file = _put(make_file()[0], State.COMPLETE, Substate.AWAITING_PIECES)
    with pytest.raises(TransitionRefused):
        permit_move(file=file, action=Action.SCHEDULE, actor=planner)


def test_another_agencys_planner_cannot_move_a_file(make_file, other_planner):
    file, _code = make_file()
    with pytest.raises(NotCaseHandler):
        permit_move(file=file, action=Action.DECLARE_COMPLETE, actor=other_planner)
    assert Case.objects.get(pk=file.pk).state == State.FILED


def test_moves_record_their_dates(make_file, planner):
    file, _code = make_file()
    at = timezone.now()
    file = permit_move(file=file, action=Action.DECLARE_COMPLETE, actor=planner, at=at)
    assert file.complete_on == timezone.localdate(at)


def test_the_decision_is_due_the_legal_delay_after_filing(make_file):
    filed_on = timezone.localdate() - datetime.timedelta(days=10)
    file, _code = make_file(filed_on=filed_on)
    case = file.case
    assert case.answer_due_at == start_of(filed_on) + datetime.timedelta(days=30)
    assert case.acknowledge_due_at == start_of(filed_on) + datetime.timedelta(days=7)


def test_a_file_past_its_delay_is_overdue_until_decided(make_file, planner):
    file, _code = make_file(filed_on=timezone.localdate() - datetime.timedelta(40))
    file = permit_move(file=file, action=Action.DECLARE_COMPLETE, actor=planner)
    assert is_overdue(file.case, timezone.now())
    file = _put(file, State.OPINION_GIVEN, Substate.NONE)
    file = permit_move(file=file, action=Action.AUTHORISE, actor=planner)
    assert not is_overdue(file.case, timezone.now())
    assert file.decided_on == timezone.localdate()


def test_waiting_for_pieces_pushes_the_deadline_back(make_file, planner):
    file, _code = make_file()
    due = file.case.answer_due_at
    file = _put(file, State.IN_COMMISSION, Substate.NONE)
    start = timezone.now()
    file = permit_move(file=file, action=Action.DEFER, actor=planner, at=start)
    assert not is_overdue(file.case, due + datetime.timedelta(days=1))
    file = permit_move(
        file=file,
        action=Action.RECEIVE_PIECES,
        actor=planner,
        at=start + datetime.timedelta(days=5),
    )
    assert file.case.answer_due_at == due + datetime.timedelta(days=5)
    assert file.substate == Substate.NONE
