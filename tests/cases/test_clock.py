"""Deadlines in calendar days from the confirmation, and the clock that
pauses while the agency waits for the requester — at fixed instants."""

from __future__ import annotations

import datetime

from cases.clock import is_overdue, overdue_q
from cases.models import Case
from requete import services
from requete.models import CitizenRequest
from requete.states import State
from tests.requete_fixtures import FILED_AT

UTC = datetime.UTC
DAY = datetime.timedelta(days=1)


def at(days: float) -> datetime.datetime:
    return FILED_AT + days * DAY


def case_of(filed) -> Case:
    return Case.objects.get(pk=filed.request.pk)


def request_of(filed) -> CitizenRequest:
    return CitizenRequest.objects.get(pk=filed.request.pk)


def overdue_in_sql(case: Case, now) -> bool:
    return Case.objects.filter(overdue_q(now), pk=case.pk).exists()


def assert_overdue(case: Case, now, expected: bool) -> None:
    assert is_overdue(case, now) is expected
    assert overdue_in_sql(case, now) is expected


def test_unconfirmed_requests_have_no_deadline(request_in):
    case = case_of(request_in(State.UNCONFIRMED))
    assert case.acknowledge_due_at is None
    assert case.answer_due_at is None
    assert_overdue(case, at(365), False)


def test_deadlines_are_calendar_days_from_the_confirmation(kind, file_request):
    filed = file_request(kind)
    confirmed = at(2)  # two days after filing
    services.request_confirm(token=filed.confirmation_token, at=confirmed)
    case = case_of(filed)
    assert case.submitted_at == confirmed
    assert case.acknowledge_due_at == confirmed + 15 * DAY
    assert case.answer_due_at == confirmed + 60 * DAY


def test_the_kinds_service_levels_are_kept_at_filing(kind, file_request):
    kind.acknowledge_days, kind.answer_days = 5, 20
    kind.save()
    filed = file_request(kind)
    services.request_confirm(token=filed.confirmation_token, at=at(0))
    kind.answer_days = 90
    kind.save()
    case = case_of(filed)
    assert case.acknowledge_due_at == at(5)
    assert case.answer_due_at == at(20)


def test_not_acknowledged_in_time_is_overdue(kind, file_request):
    filed = file_request(kind)
    services.request_confirm(token=filed.confirmation_token, at=at(0))
    case = case_of(filed)
    assert_overdue(case, at(14.9), False)
    assert_overdue(case, at(15.1), True)


def test_a_pause_pushes_the_answer_back_by_its_length(kind, file_request, planner):
    filed = file_request(kind)
    services.request_confirm(token=filed.confirmation_token, at=at(0))
    services.request_acknowledge(request=request_of(filed), actor=planner, at=at(3))
    services.request_review(request=request_of(filed), actor=planner, at=at(4))
    services.request_ask(
        request=request_of(filed), actor=planner, question="Plan ?", at=at(10)
    )
    case = case_of(filed)
    assert case.paused_since == at(10)
    # While the agency waits, nothing is overdue, however long.
    assert_overdue(case, at(200), False)
    services.request_reply(
        request=request_of(filed),
        follow_code=filed.follow_code,
        reply="Voici le plan.",
        at=at(30),
    )
    case = case_of(filed)
    assert case.paused_since is None
    assert case.paused_total == 20 * DAY
    assert case.answer_due_at == at(80)  # 60 days + 20 paused
    # Acknowledged before the pause: its due time does not move.
    assert case.acknowledge_due_at == at(15)
    assert_overdue(case, at(79.9), False)
    assert_overdue(case, at(80.1), True)


def test_two_pauses_add_up_and_staff_may_resume(kind, file_request, planner):
    filed = file_request(kind)
    services.request_confirm(token=filed.confirmation_token, at=at(0))
    services.request_acknowledge(request=request_of(filed), actor=planner, at=at(1))
    services.request_review(request=request_of(filed), actor=planner, at=at(1))
    for start, end in ((5, 8), (20, 24.5)):
        services.request_ask(
            request=request_of(filed), actor=planner, question="?", at=at(start)
        )
        services.request_resume(request=request_of(filed), actor=planner, at=at(end))
    case = case_of(filed)
    assert case.paused_total == 7.5 * DAY
    assert case.answer_due_at == at(67.5)


def test_answered_and_closed_requests_are_never_overdue(request_in, planner):
    answered = case_of(request_in(State.ANSWERED))
    closed = case_of(request_in(State.INADMISSIBLE))
    for case in (answered, closed):
        assert_overdue(case, at(1000), False)


def test_withdrawing_while_paused_ends_the_pause(request_in):
    filed = request_in(State.WAITING)
    services.request_withdraw(
        request=request_of(filed), follow_code=filed.follow_code, at=at(5)
    )
    case = case_of(filed)
    assert case.paused_since is None
    assert case.closed_at == at(5)
    assert case.paused_total == 4 * DAY  # asked at day 1 (conftest.act)


def test_reopening_starts_a_new_answer_period(request_in, planner):
    filed = request_in(State.ANSWERED)
    services.request_reopen(
        request=request_of(filed),
        follow_code=filed.follow_code,
        reason="La réponse ignore l'article 12.",
        at=at(10),
    )
    case = case_of(filed)
    assert case.state == State.IN_REVIEW
    assert case.answered_at is None
    assert case.answer_due_at == at(70)
