"""A case's history is append-only, by the database: no DELETE, no UPDATE —
but the one update erasure makes, blanking what the requester wrote."""

from __future__ import annotations

import datetime

from cases.models import CaseEvent
from requete.states import State
from tests.conftest import sql_refused
from tests.requete_fixtures import act

UTC = datetime.UTC


def test_events_cannot_be_deleted_or_changed(request_in, planner):
    filed = request_in(State.WAITING)
    act("reply", filed, staff=planner)
    events = CaseEvent.objects.filter(case_id=filed.request.pk)
    staff_event = events.filter(by_requester=False).last()
    reply = events.filter(by_requester=True).exclude(text="").last()
    for event in (staff_event, reply):
        sql_refused("DELETE FROM cases_caseevent WHERE id = %s", [event.pk])
        sql_refused(
            "UPDATE cases_caseevent SET to_state = 'closed' WHERE id = %s", [event.pk]
        )
        sql_refused(
            "UPDATE cases_caseevent SET text = 'rewritten' WHERE id = %s", [event.pk]
        )
    # Blanking a staff member's text is not an erasure: refused.
    sql_refused(
        "UPDATE cases_caseevent SET text = '', redacted_at = now() WHERE id = %s",
        [staff_event.pk],
    )
    # Erasure that would also change another column: refused.
    sql_refused(
        "UPDATE cases_caseevent SET text = '', redacted_at = now(), public = false "
        "WHERE id = %s",
        [reply.pk],
    )
    assert CaseEvent.objects.get(pk=reply.pk).text == "Permis 123/2020"


def test_erasure_blanks_the_requesters_words_once(request_in, planner):
    filed = request_in(State.WAITING)
    act("reply", filed, staff=planner)
    reply = CaseEvent.objects.filter(case_id=filed.request.pk, by_requester=True).last()
    at = datetime.datetime(2030, 1, 1, tzinfo=UTC)
    CaseEvent.objects.filter(pk=reply.pk).update(text="", redacted_at=at)
    reply.refresh_from_db()
    assert (reply.text, reply.redacted_at) == ("", at)
    assert (reply.from_state, reply.to_state) == (State.WAITING, State.IN_REVIEW)
    # Once redacted, nothing more.
    sql_refused(
        "UPDATE cases_caseevent SET redacted_at = now() WHERE id = %s", [reply.pk]
    )
