"""Fixtures of requête-e and the case core (a plugin of tests/conftest.py):
kinds of request of agency ``aurs``, filing as a citizen would, and requests
brought to each state through the services."""

from __future__ import annotations

import datetime

import pytest

from cases.services import RequesterData
from requete import services
from requete.models import CitizenRequest, RequestKind
from requete.states import State

UTC = datetime.UTC
FILED_AT = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def make_kind(db):
    def make(agency, code: str = "zoning-complaint", **extra) -> RequestKind:
        return RequestKind.objects.create(
            agency=agency,
            code=code,
            family=extra.pop("family", RequestKind.Family.COMPLAINT),
            label_fr=extra.pop("label_fr", "Réclamation sur le zonage"),
            label_ar=extra.pop("label_ar", "شكاية حول التنطيق"),
            label_en=extra.pop("label_en", "Zoning complaint"),
            **extra,
        )

    return make


@pytest.fixture
def kind(agency, make_kind):
    return make_kind(agency)


@pytest.fixture
def other_kind(other_agency, make_kind):
    return make_kind(other_agency)


def filing(kind: RequestKind, **changes) -> services.RequestFiling:
    """A filing as a citizen gives it; ``changes`` replace its fields."""
    values = {
        "kind": kind,
        "requester_type": CitizenRequest.RequesterType.CITIZEN,
        "subject": "Zonage de ma parcelle",
        "description": "Le plan classe ma parcelle en zone verte.",
        "requester": RequesterData(
            name="Amina Berrada", email="amina@example.ma", phone="0661234567"
        ),
        "language": "fr",
    }
    values.update(changes)
    return services.RequestFiling(**values)


@pytest.fixture
def file_request(db):
    """File a request (unconfirmed); returns the ``Filed`` result. Each call
    comes from its own client address and contact, so limits stay out of the
    way of tests that are not about them."""
    calls = iter(range(1, 10_000))

    def file(kind: RequestKind, *, at=FILED_AT, **changes) -> services.Filed:
        number = next(calls)
        changes.setdefault(
            "requester",
            RequesterData(name=f"Requester {number}", email=f"r{number}@example.ma"),
        )
        return services.request_file(
            filing=filing(kind, **changes),
            client_address=f"192.0.2.{number % 250 + 1}",
            at=at,
        )

    return file


# Actions that bring a request from "submitted" to each state (staff: planner).
PATH = {
    State.SUBMITTED: [],
    State.ACKNOWLEDGED: ["acknowledge"],
    State.IN_REVIEW: ["acknowledge", "review"],
    State.WAITING: ["acknowledge", "review", "ask"],
    State.ANSWERED: ["acknowledge", "review", "answer"],
    State.CLOSED: ["acknowledge", "review", "answer", "close"],
    State.INADMISSIBLE: ["reject"],
    State.DUPLICATE: ["mark_duplicate"],
    State.NOT_COMPETENT: ["redirect"],
    State.WITHDRAWN: ["withdraw"],
}


def act(name: str, filed: services.Filed, *, staff, original=None, at=None):
    """Take action ``name`` on ``filed``'s request as its staff or requester
    would (through the services), with the texts each action asks for."""
    request = CitizenRequest.objects.get(pk=filed.request.pk)
    code = filed.follow_code
    at = at or FILED_AT + datetime.timedelta(days=1)
    calls = {
        "confirm": lambda: services.request_confirm(
            token=filed.confirmation_token, at=at
        ),
        "acknowledge": lambda: services.request_acknowledge(
            request=request, actor=staff, at=at
        ),
        "review": lambda: services.request_review(request=request, actor=staff, at=at),
        "ask": lambda: services.request_ask(
            request=request, actor=staff, question="Le numéro du permis ?", at=at
        ),
        "reply": lambda: services.request_reply(
            request=request, follow_code=code, reply="Permis 123/2020", at=at
        ),
        "resume": lambda: services.request_resume(request=request, actor=staff, at=at),
        "answer": lambda: services.request_answer(
            request=request, actor=staff, answer="La zone reste verte.", at=at
        ),
        "close": lambda: services.request_close(request=request, actor=staff, at=at),
        "reopen": lambda: services.request_reopen(
            request=request, follow_code=code, reason="Je conteste.", at=at
        ),
        "reject": lambda: services.request_reject(
            request=request, actor=staff, reason="Hors sujet.", at=at
        ),
        "mark_duplicate": lambda: services.request_mark_duplicate(
            request=request, actor=staff, original=original, at=at
        ),
        "redirect": lambda: services.request_redirect(
            request=request, actor=staff, authority="Commune de Salé", at=at
        ),
        "withdraw": lambda: services.request_withdraw(
            request=request, follow_code=code, at=at
        ),
    }
    return calls[name]()


@pytest.fixture
def request_in(kind, planner, file_request):
    """A request brought to ``state`` through the services."""

    def bring(state: State, *, original=None) -> services.Filed:
        filed = file_request(kind)
        if state == State.UNCONFIRMED:
            return filed
        act("confirm", filed, staff=planner, at=FILED_AT)
        if state == State.DUPLICATE and original is None:
            original = bring(State.SUBMITTED).request
        for name in PATH[state]:
            act(name, filed, staff=planner, original=original)
        return filed

    return bring
