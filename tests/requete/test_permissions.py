"""Who sees and does what: agency A's staff never see agency B's requests,
nobody on staff sees an unconfirmed one, personal data is the handling
agency's alone and every reading of it is logged, and the requester acts
only with their follow code."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from accounts.models import User
from audit.models import AuditEvent
from cases.errors import CaseNotFollowed, NotCaseHandler, PersonalDataRefused
from cases.models import Case
from cases.privacy import requester_view
from cases.selectors import case_by_follow_code, cases_for_staff
from requete import selectors, services
from requete.models import CitizenRequest
from requete.states import State
from tests.requete_fixtures import act


@pytest.fixture
def two_agencies(request_in, other_kind, file_request, other_planner):
    """A submitted request in each agency, and an unconfirmed one in A."""
    mine = request_in(State.SUBMITTED)
    unconfirmed = request_in(State.UNCONFIRMED)
    theirs = file_request(other_kind)
    act("confirm", theirs, staff=other_planner)
    return mine, unconfirmed, theirs


def queue(user) -> set[str]:
    found = selectors.request_queue(user=user, filters=selectors.QueueFilters())
    return {request.case.reference for request in found}


def test_staff_see_their_agencys_submitted_requests_only(
    two_agencies, planner, other_planner
):
    mine, _unconfirmed, theirs = two_agencies
    assert queue(planner) == {mine.request.case.reference}
    assert queue(other_planner) == {theirs.request.case.reference}
    assert set(cases_for_staff(user=planner, service="requete")) == {
        Case.objects.get(pk=mine.request.pk)
    }


def test_citizens_and_strangers_see_no_queue(two_agencies, db):
    nobody = User.objects.create_user("nobody", agency=None)
    for user in (AnonymousUser(), nobody):
        assert queue(user) == set()


def test_administrators_oversee_every_agency_but_handle_none(
    two_agencies, administrator
):
    mine, _unconfirmed, theirs = two_agencies
    assert queue(administrator) == {
        mine.request.case.reference,
        theirs.request.case.reference,
    }
    request = CitizenRequest.objects.get(pk=mine.request.pk)
    with pytest.raises(NotCaseHandler):
        services.request_acknowledge(request=request, actor=administrator)
    with pytest.raises(PersonalDataRefused):
        requester_view(case=request.case, user=administrator)


def test_staff_of_another_agency_cannot_act(two_agencies, other_planner):
    mine, _, _ = two_agencies
    request = CitizenRequest.objects.get(pk=mine.request.pk)
    for call in (
        lambda: services.request_acknowledge(request=request, actor=other_planner),
        lambda: services.request_reject(
            request=request, actor=other_planner, reason="Non."
        ),
        lambda: services.request_message_add(
            request=request, actor=other_planner, text="?", public=False
        ),
        lambda: services.requests_assign(
            requests=[request], actor=other_planner, assignee=other_planner
        ),
    ):
        with pytest.raises(NotCaseHandler):
            call()
    request.case.refresh_from_db()
    assert (request.case.state, request.case.assignee) == (State.SUBMITTED, None)


def test_a_kind_with_a_handling_group_is_handled_by_its_members(
    kind, file_request, planner, agency
):
    legal = Group.objects.create(name="juridique")
    kind.handling_group = legal
    kind.save()
    filed = file_request(kind)
    act("confirm", filed, staff=planner)
    request = CitizenRequest.objects.get(pk=filed.request.pk)
    with pytest.raises(NotCaseHandler):
        services.request_acknowledge(request=request, actor=planner)
    planner.groups.add(legal)
    services.request_acknowledge(request=request, actor=planner)
    assert Case.objects.get(pk=request.pk).state == State.ACKNOWLEDGED


def test_personal_data_is_the_handling_agencys_and_each_reading_is_logged(
    two_agencies, planner, other_planner
):
    mine, unconfirmed, _ = two_agencies
    case = Case.objects.get(pk=mine.request.pk)
    requester = requester_view(case=case, user=planner)
    assert requester.email.endswith("@example.ma")
    logged = AuditEvent.objects.filter(
        action=AuditEvent.Action.PERSONAL_DATA_VIEWED, object_id=str(case.pk)
    )
    assert [(event.actor, event.agency_id) for event in logged] == [
        (planner, case.agency_id)
    ]
    with pytest.raises(PersonalDataRefused):
        requester_view(case=case, user=other_planner)
    with pytest.raises(PersonalDataRefused):
        requester_view(case=Case.objects.get(pk=unconfirmed.request.pk), user=planner)
    assert logged.count() == 1


def test_the_requester_acts_with_the_follow_code_only(request_in):
    filed = request_in(State.SUBMITTED)
    request = CitizenRequest.objects.get(pk=filed.request.pk)
    with pytest.raises(NotCaseHandler):
        services.request_withdraw(request=request, follow_code="AAAA-BBBB-CCCC")
    services.request_withdraw(
        request=request, follow_code=filed.follow_code.lower().replace("-", " ")
    )
    assert Case.objects.get(pk=request.pk).state == State.WITHDRAWN


def test_following_needs_the_reference_and_its_code(request_in):
    filed = request_in(State.SUBMITTED)
    other = request_in(State.SUBMITTED)
    reference = filed.request.case.reference
    assert case_by_follow_code(
        reference=reference.lower(), code=filed.follow_code
    ) == Case.objects.get(pk=filed.request.pk)
    for wrong_reference, code in (
        (reference, other.follow_code),
        ("AURS-2027-999999", filed.follow_code),
    ):
        with pytest.raises(CaseNotFollowed) as caught:
            case_by_follow_code(reference=wrong_reference, code=code)
        assert caught.value.http_status == 404


def test_every_move_is_in_the_audit_log(request_in, planner):
    filed = request_in(State.ACKNOWLEDGED)
    events = AuditEvent.objects.filter(object_id=str(filed.request.pk))
    assert [(event.action, event.details.get("to")) for event in events] == [
        ("case_state_changed", "acknowledged"),
        ("case_state_changed", "submitted"),
        ("case_filed", None),
    ]
    assert events[0].actor == planner
    assert events[1].actor is None
