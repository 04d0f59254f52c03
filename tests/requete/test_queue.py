"""The staff queue's filters (kind, state, overdue, assigned), its order,
and bulk assignment."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from cases.errors import NotCaseHandler
from cases.models import CaseEvent
from requete import selectors, services
from requete.models import CitizenRequest
from requete.states import State
from tests.requete_fixtures import FILED_AT

DAY = datetime.timedelta(days=1)


def refs(requests) -> list[str]:
    return [request.case.reference for request in requests]


def test_filters_and_order(request_in, make_kind, agency, planner, file_request):
    submitted = request_in(State.SUBMITTED).request
    in_review = request_in(State.IN_REVIEW).request
    waiting = request_in(State.WAITING).request
    suggestion_kind = make_kind(agency, "suggestion", family="suggestion")
    suggestion = file_request(suggestion_kind, at=FILED_AT + 10 * DAY)
    services.request_confirm(
        token=suggestion.confirmation_token, at=FILED_AT + 10 * DAY
    )
    suggestion = suggestion.request

    def find(now=FILED_AT, **filters):
        return refs(
            selectors.request_queue(
                user=planner, filters=selectors.QueueFilters(**filters), now=now
            )
        )

    everything = find()
    # Earliest answer due first; all answers due 60 days after confirmation.
    assert everything[-1] == suggestion.case.reference
    assert set(everything) == set(refs([submitted, in_review, waiting, suggestion]))
    assert find(kind_code="suggestion") == refs([suggestion])
    assert find(state=State.IN_REVIEW) == refs([in_review])
    # 20 days on: the submitted one missed its acknowledgement (15 days);
    # the others were acknowledged, or confirmed later, or wait.
    late = FILED_AT + 20 * DAY
    assert find(now=late, overdue=True) == refs([submitted])
    assert submitted.case.reference not in find(now=late, overdue=False)
    # 65 days on, every request is late but the waiting one (its clock is
    # paused): answers were due at 60 days, the suggestion's acknowledgement
    # at 25.
    assert set(find(now=FILED_AT + 65 * DAY, overdue=True)) == set(
        refs([submitted, in_review, suggestion])
    )


def test_bulk_assignment_and_the_assigned_filters(request_in, planner, agency):
    colleague = User.objects.create_user("colleague", agency=agency)
    first, second, third = (request_in(State.SUBMITTED).request for _ in range(3))
    services.requests_assign(
        requests=[first, second], actor=planner, assignee=colleague
    )
    services.requests_assign(requests=[third], actor=planner, assignee=planner)

    def find(assigned):
        return set(
            refs(
                selectors.request_queue(
                    user=planner,
                    filters=selectors.QueueFilters(assigned=assigned),
                    now=FILED_AT,
                )
            )
        )

    assert find("me") == set(refs([third]))
    assert find("nobody") == set()
    services.requests_assign(requests=[third], actor=planner, assignee=None)
    assert find("nobody") == set(refs([third]))
    events = CaseEvent.objects.filter(case_id=first.pk, kind="assignment")
    assert [(event.public, event.data) for event in events] == [
        (False, {"assignee_id": colleague.pk})
    ]


def test_nobody_is_given_a_request_they_cannot_handle(
    request_in, planner, other_planner
):
    request = request_in(State.SUBMITTED).request
    with pytest.raises(NotCaseHandler):
        services.requests_assign(
            requests=[request], actor=planner, assignee=other_planner
        )
    assert CitizenRequest.objects.get(pk=request.pk).case.assignee is None


def test_the_queue_page_makes_as_many_queries_for_more_assigned_requests(
    request_in, planner, agency, client
):
    """The assignee's name comes with each row, not one query per row."""
    colleague = User.objects.create_user("colleague", agency=agency)
    client.force_login(planner)

    def queries_with(count: int) -> int:
        requests = [request_in(State.SUBMITTED).request for _ in range(count)]
        services.requests_assign(requests=requests, actor=planner, assignee=colleague)
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/planner/requests/")
        assert page.status_code == 200
        assert page.content.decode().count("colleague") >= count
        return len(captured.captured_queries)

    assert queries_with(2) == queries_with(4)


def test_the_queue_count_is_the_number_of_requests_under_every_filter(
    request_in, make_kind, agency, planner, other_kind, file_request
):
    for state in (State.SUBMITTED, State.IN_REVIEW, State.WAITING, State.ANSWERED):
        request_in(state)
    request_in(State.UNCONFIRMED)  # not in the queue
    suggestion = file_request(make_kind(agency, "suggestion", family="suggestion"))
    services.request_confirm(token=suggestion.confirmation_token, at=FILED_AT)
    elsewhere = file_request(other_kind)  # another agency's
    services.request_confirm(token=elsewhere.confirmation_token, at=FILED_AT)
    services.requests_assign(
        requests=[suggestion.request], actor=planner, assignee=planner
    )
    late = FILED_AT + 20 * DAY
    for filters in (
        selectors.QueueFilters(),
        selectors.QueueFilters(kind_code="suggestion"),
        selectors.QueueFilters(state=State.IN_REVIEW),
        selectors.QueueFilters(overdue=True),
        selectors.QueueFilters(overdue=False, assigned="nobody"),
        selectors.QueueFilters(due_within=selectors.DUE_SOON),
        selectors.QueueFilters(assigned="me", kind_code="suggestion"),
    ):
        queue = selectors.request_queue(user=planner, filters=filters, now=late)
        count = selectors.request_queue_count(user=planner, filters=filters, now=late)
        assert count == len(queue), filters
    assert (
        selectors.request_queue_count(user=planner, filters=selectors.QueueFilters())
        == len(selectors.request_queue(user=planner, filters=selectors.QueueFilters()))
        == 5
    )
