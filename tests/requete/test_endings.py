"""How a request ends or comes back: a duplicate points at its original, a
"not competent" names the competent authority, the requester reopens within
the window and rates the answer once, 1 to 5."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from cases.errors import NotCaseHandler
from cases.models import Case, CaseEvent
from requete import services
from requete.errors import FilingRefused, TransitionRefused
from requete.models import CitizenRequest
from requete.states import State

DAY = datetime.timedelta(days=1)


def fresh(filed) -> CitizenRequest:
    return CitizenRequest.objects.select_related("case").get(pk=filed.request.pk)


def test_a_duplicate_points_at_its_original(
    request_in, planner, other_kind, file_request, other_planner
):
    original = request_in(State.IN_REVIEW)
    copy = request_in(State.SUBMITTED)
    services.request_mark_duplicate(
        request=fresh(copy), actor=planner, original=fresh(original)
    )
    request = fresh(copy)
    assert request.duplicate_of == fresh(original)
    assert request.case.state == State.DUPLICATE
    event = CaseEvent.objects.filter(case_id=request.pk).order_by("-id").first()
    assert event.data == {"original": original.request.case.reference}
    assert original.request.case.reference in request.case.notifications.last().body
    # The original is another submitted request of the agency, not a duplicate.
    foreign = file_request(other_kind)
    services.request_confirm(token=foreign.confirmation_token)
    target = request_in(State.SUBMITTED)
    for wrong in (target, request_in(State.UNCONFIRMED), foreign, copy):
        with pytest.raises(FilingRefused):
            services.request_mark_duplicate(
                request=fresh(target), actor=planner, original=fresh(wrong)
            )
    assert fresh(target).case.state == State.SUBMITTED


def test_not_competent_names_the_competent_authority(request_in, planner):
    filed = request_in(State.ACKNOWLEDGED)
    for authority in ("", "   ", "x" * 201):
        with translation.override("fr"), pytest.raises(FilingRefused) as caught:
            services.request_redirect(
                request=fresh(filed), actor=planner, authority=authority
            )
        assert "autorité compétente" in caught.value.message
    assert fresh(filed).case.state == State.ACKNOWLEDGED
    services.request_redirect(
        request=fresh(filed),
        actor=planner,
        authority="Commune urbaine de Salé, service de l'urbanisme",
    )
    request = fresh(filed)
    assert request.case.state == State.NOT_COMPETENT
    assert request.competent_authority.startswith("Commune urbaine de Salé")
    body = request.case.notifications.last().body
    assert "Commune urbaine de Salé, service de l'urbanisme" in body


def test_reopening_is_allowed_within_the_window_only(request_in, settings):
    settings.GEOPORTAIL_REQUEST_REOPEN_DAYS = 30
    filed = request_in(State.ANSWERED)
    answered_at = Case.objects.get(pk=filed.request.pk).answered_at
    with translation.override("ar"), pytest.raises(TransitionRefused) as caught:
        services.request_reopen(
            request=fresh(filed),
            follow_code=filed.follow_code,
            reason="Je conteste.",
            at=answered_at + 31 * DAY,
        )
    assert caught.value.code == "reopen_window_passed"
    assert "30" in caught.value.message
    assert fresh(filed).case.state == State.ANSWERED
    with pytest.raises(FilingRefused):
        services.request_reopen(
            request=fresh(filed),
            follow_code=filed.follow_code,
            reason=" ",
            at=answered_at + DAY,
        )
    services.request_reopen(
        request=fresh(filed),
        follow_code=filed.follow_code,
        reason="Je conteste.",
        at=answered_at + 30 * DAY,
    )
    assert fresh(filed).case.state == State.IN_REVIEW


def test_the_answer_is_rated_once_from_1_to_5(request_in):
    filed = request_in(State.IN_REVIEW)
    with pytest.raises(TransitionRefused):
        services.request_rate(
            request=fresh(filed), follow_code=filed.follow_code, score=5
        )
    filed = request_in(State.CLOSED)
    for score in (0, 6, 2.5, True, "5"):
        with pytest.raises(FilingRefused):
            services.request_rate(
                request=fresh(filed), follow_code=filed.follow_code, score=score
            )
    with pytest.raises(NotCaseHandler):
        services.request_rate(request=fresh(filed), follow_code="WRONG", score=4)
    services.request_rate(
        request=fresh(filed),
        follow_code=filed.follow_code,
        score=4,
        comment="Réponse claire.",
    )
    assert fresh(filed).rating == 4
    rating = CaseEvent.objects.get(case_id=filed.request.pk, kind="rating")
    assert (rating.data, rating.text, rating.by_requester) == (
        {"score": 4},
        "Réponse claire.",
        True,
    )
    with pytest.raises(TransitionRefused):
        services.request_rate(
            request=fresh(filed), follow_code=filed.follow_code, score=5
        )
