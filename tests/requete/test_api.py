"""requête-e in the JSON API: filing, following with the follow code, the
staff queue by token or session — agency A never sees agency B's requests —
and the limits answered as 429."""

from __future__ import annotations

import pytest

from accounts.tokens import api_token_create
from requete import abuse, services
from requete.models import CitizenRequest
from tests.requete_fixtures import act

FILING = {
    "agency": "aurs",
    "kind": "zoning-complaint",
    "subject": "Zonage de ma parcelle",
    "description": "Le plan classe ma parcelle en zone verte.",
    "name": "Amina Berrada",
    "email": "amina.api@example.ma",
    "language": "ar",
}


def file(client, **changes):
    return client.post(
        "/api/v1/requests", {**FILING, **changes}, content_type="application/json"
    )


def test_a_filing_answers_its_reference_and_follow_code_once(client, kind):
    answer = file(client)
    assert answer.status_code == 201
    body = answer.json()
    assert body["state"] == "unconfirmed"
    assert answer["Location"] == f"/api/v1/requests/{body['reference']}"
    case = CitizenRequest.objects.get().case
    assert body["reference"] == case.reference
    assert case.language == "ar"
    assert body["follow_code"] not in case.follow_code_digest


def test_wrong_fields_are_named_in_the_readers_language(client, kind):
    answer = client.post(
        "/api/v1/requests",
        {**FILING, "email": "not-an-address"},
        content_type="application/json",
        headers={"Accept-Language": "ar"},
    )
    assert answer.status_code == 400
    message = answer.json()["error"]["details"]["fields"]["email"]
    assert any("\u0600" <= character <= "\u06ff" for character in message)
    assert file(client, kind="no-such-kind").status_code == 404
    assert file(client, place={"zone_version": "7"}).status_code == 400
    assert file(client, website="http://spam.example").status_code == 400
    assert not CitizenRequest.objects.exists()


def test_the_requester_follows_public_events_only(client, kind, planner):
    body = file(client).json()
    filed = CitizenRequest.objects.get()
    url = f"/api/v1/requests/{body['reference']}"
    code = {"X-Follow-Code": body["follow_code"]}
    assert client.get(url, headers=code).json()["state"] == "unconfirmed"
    services.request_confirm(token=abuse.confirmation_token(filed.case))
    services.request_acknowledge(request=filed, actor=planner)
    services.request_message_add(
        request=filed, actor=planner, text="Note interne du service", public=False
    )
    services.request_message_add(
        request=filed, actor=planner, text="Nous étudions le plan.", public=True
    )
    followed = client.get(url, headers=code).json()
    assert followed["state"] == "acknowledged"
    assert followed["answer_due_at"]
    texts = [event["text"] for event in followed["events"]]
    assert "Nous étudions le plan." in texts
    assert "Note interne du service" not in str(followed)
    wrong = client.get(url, headers={"X-Follow-Code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 404
    assert client.get(url).status_code == 404


def test_follow_lookups_are_limited_per_address(client, kind, settings):
    reference = file(client).json()["reference"]
    url = f"/api/v1/requests/{reference}"
    for _attempt in range(60):
        client.get(url, headers={"X-Follow-Code": "AAAA-BBBB-CCCC"})
    refused = client.get(url, headers={"X-Follow-Code": "AAAA-BBBB-CCCC"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["error"]["code"] == "too_many_requests"


@pytest.mark.parametrize(
    ("language", "words"), [("fr", "Trop de requêtes"), ("ar", "طلبات كثيرة")]
)
def test_filing_past_the_limit_is_a_429_with_a_clear_message(
    client, kind, settings, language, words
):
    settings.GEOPORTAIL_REQUEST_LIMIT_HOUR = 2
    headers = {"Accept-Language": language}
    for number in range(2):
        answer = client.post(
            "/api/v1/requests",
            {**FILING, "email": f"r{number}@example.ma"},
            content_type="application/json",
            headers=headers,
        )
        assert answer.status_code == 201
    refused = client.post(
        "/api/v1/requests",
        {**FILING, "email": "r3@example.ma"},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 429
    assert words in refused.json()["error"]["message"]
    assert int(refused["Retry-After"]) > 0


def test_the_staff_queue_is_the_agencys_own(
    client, kind, other_kind, planner, other_planner, request_in, file_request
):
    ours = request_in("submitted")
    theirs = file_request(other_kind)
    act("confirm", theirs, staff=other_planner)
    request_in("unconfirmed")  # the requester's alone
    _token, key = api_token_create(user=other_planner)
    by_token = client.get(
        "/api/v1/requests", headers={"Authorization": f"Token {key}"}
    ).json()
    assert [r["reference"] for r in by_token["requests"]] == [
        theirs.request.case.reference
    ]
    client.force_login(planner)
    by_session = client.get("/api/v1/requests").json()["requests"]
    assert [r["reference"] for r in by_session] == [ours.request.case.reference]
    assert by_session[0]["agency"] == "aurs"
    assert "Amina" not in str(by_session)
    filtered = client.get("/api/v1/requests?state=answered").json()
    assert filtered["requests"] == []
    assert client.get("/api/v1/requests?overdue=maybe").status_code == 400


def test_the_queue_needs_a_login_or_a_valid_token(client, kind):
    assert client.get("/api/v1/requests").status_code == 401
    refused = client.get("/api/v1/requests", headers={"Authorization": "Token forged"})
    assert refused.status_code == 401


def test_staff_move_a_request_to_its_answer_through_the_api(
    client, kind, planner, other_planner, request_in
):
    filed = request_in("submitted")
    url = f"/api/v1/requests/{filed.request.case.reference}/actions"
    _token, other_key = api_token_create(user=other_planner)
    foreign = client.post(
        url,
        {"action": "acknowledge"},
        content_type="application/json",
        headers={"Authorization": f"Token {other_key}"},
    )
    assert foreign.status_code == 404  # another agency's: not even found
    _token, key = api_token_create(user=planner)
    token = {"Authorization": f"Token {key}"}

    def move(**body):
        return client.post(url, body, content_type="application/json", headers=token)

    assert move(action="acknowledge").json()["state"] == "acknowledged"
    assert move(action="review").json()["state"] == "in_review"
    refused = move(action="close")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "transition_refused"
    assert move(action="answer", text="").status_code == 400
    answered = move(action="answer", text="La zone reste verte.", citations=[])
    assert answered.json()["state"] == "answered"
    assert move(action="fly").status_code == 400
    assert move(action="close").json()["state"] == "closed"
    assert CitizenRequest.objects.get().case.state == "closed"
