"""The agency's requête-e pages: the queue (filters, pages, bulk assignment,
CSV), a request's page (history, zoning, contact) and its action forms —
each reaching its service, each refusal shown in the planner's language —
and agency A's staff never seeing agency B's requests."""

from __future__ import annotations

import csv
import datetime
import html
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import CaseEvent
from layers.models import ZoneRule
from requete import selectors
from requete.models import AnswerTemplate, CitizenRequest
from requete.places import PlaceInput
from requete.states import State
from tests.notes.conftest import site  # noqa: F401 - the planning site fixture
from tests.requete_fixtures import FILED_AT, act

QUEUE = reverse("requete-staff:queue")
CSV = reverse("requete-staff:csv")


def page_of(reference: str) -> str:
    return reverse("requete-staff:request", args=[reference])


def action_url(reference: str, action: str) -> str:
    return reverse("requete-staff:act", args=[reference, action])


@pytest.fixture
def signed_in(client, planner):
    client.force_login(planner)
    return client


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def reference_of(filed) -> str:
    return filed.request.case.reference


def test_the_queue_lists_the_agencys_submitted_requests_only(
    signed_in, request_in, other_kind, other_planner, file_request
):
    submitted = request_in(State.SUBMITTED)
    unconfirmed = request_in(State.UNCONFIRMED)
    foreign = file_request(other_kind)
    act("confirm", foreign, staff=other_planner)
    body = signed_in.get(QUEUE).content.decode()
    assert reference_of(submitted) in body
    assert reference_of(unconfirmed) not in body
    assert reference_of(foreign) not in body
    # A guessed address of the other agency's request, or of an unconfirmed
    # one, is a 404 as if it did not exist; so are its actions.
    assert signed_in.get(page_of(reference_of(foreign))).status_code == 404
    assert signed_in.get(page_of(reference_of(unconfirmed))).status_code == 404
    response = signed_in.post(action_url(reference_of(foreign), "acknowledge"))
    assert response.status_code == 404
    foreign_case = CitizenRequest.objects.get(pk=foreign.request.pk).case
    assert foreign_case.state == State.SUBMITTED
    rows = csv_rows(signed_in.get(CSV))
    assert [row[0] for row in rows[1:]] == [reference_of(submitted)]


def test_filters_and_lateness_in_words(
    signed_in, request_in, kind, planner, file_request
):
    in_review = request_in(State.IN_REVIEW)  # confirmed in 2027: not late yet
    weeks_ago = timezone.now() - datetime.timedelta(days=20)
    late = file_request(kind, at=weeks_ago)
    act("confirm", late, staff=planner, at=weeks_ago)
    body = signed_in.get(QUEUE, {"state": "in_review"}).content.decode()
    assert reference_of(in_review) in body
    assert reference_of(late) not in body
    # Unacknowledged after 15 days: late, said in words, not by colour alone.
    overdue = signed_in.get(QUEUE, {"overdue": "yes"}).content.decode()
    assert reference_of(late) in overdue
    assert reference_of(in_review) not in overdue
    assert "⚠</span> En retard" in overdue
    on_time = signed_in.get(QUEUE, {"overdue": "no"}).content.decode()
    assert reference_of(in_review) in on_time
    assert "⚠</span> En retard" not in on_time
    assert (
        reference_of(late)
        not in signed_in.get(QUEUE, {"assigned": "me"}).content.decode()
    )
    refused = signed_in.get(QUEUE, {"state": "unconfirmed"})
    assert refused.status_code == 400
    assert "choix valide" in html.unescape(refused.content.decode())


def test_the_queue_comes_in_pages_of_fifty(signed_in, kind, planner, file_request):
    for _ in range(51):
        act("confirm", file_request(kind), staff=planner)
    first = signed_in.get(QUEUE).content.decode()
    following = re.search(r'<a href="\?([^"]*)" rel="next">', first).group(1)
    second = signed_in.get(f"{QUEUE}?{html.unescape(following)}").content.decode()
    assert first.count('name="request"') == 50
    assert second.count('name="request"') == 1
    assert "Page 2 sur 2" in second


def test_bulk_assignment_assigns_the_checked_requests(
    signed_in, request_in, planner, other_planner
):
    one, two = request_in(State.SUBMITTED), request_in(State.ACKNOWLEDGED)
    response = signed_in.post(
        reverse("requete-staff:assign"),
        {"request": [reference_of(one), reference_of(two)], "assignee": planner.pk},
        follow=True,
    )
    assert "2 requêtes confiées." in html.unescape(response.content.decode())
    assigned = CitizenRequest.objects.filter(case__assignee=planner)
    assert assigned.count() == 2
    mine = signed_in.get(QUEUE, {"assigned": "me"}).content.decode()
    assert reference_of(one) in mine
    assert reference_of(two) in mine
    # Another agency's planner is not a choice.
    response = signed_in.post(
        reverse("requete-staff:assign"),
        {"request": [reference_of(one)], "assignee": other_planner.pk},
        follow=True,
    )
    assert "Choisissez un membre du personnel de l'agence." in (
        html.unescape(response.content.decode())
    )
    assert CitizenRequest.objects.get(pk=one.request.pk).case.assignee == planner


def test_bulk_assignment_of_a_foreign_request_is_a_404(
    signed_in, request_in, other_kind, other_planner, file_request, planner
):
    mine = request_in(State.SUBMITTED)
    foreign = file_request(other_kind)
    act("confirm", foreign, staff=other_planner)
    response = signed_in.post(
        reverse("requete-staff:assign"),
        {"request": [reference_of(mine), reference_of(foreign)], "assignee": ""},
    )
    assert response.status_code == 404
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.ASSIGNMENT).exists()


def test_the_csv_holds_contacts_only_when_asked_and_logs_them(
    signed_in, request_in, planner
):
    filed = request_in(State.SUBMITTED)
    plain = csv_rows(signed_in.get(CSV))
    assert len(plain[0]) == 10
    assert "@example.ma" not in repr(plain)
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.PERSONAL_DATA_EXPORTED
    ).exists()
    full = csv_rows(signed_in.get(CSV, {"contacts": "1"}))
    assert full[1][-2].endswith("@example.ma")
    logged = AuditEvent.objects.get(action=AuditEvent.Action.PERSONAL_DATA_EXPORTED)
    assert logged.object_id == str(filed.request.pk)


def test_an_administrator_oversees_but_never_reads_contacts(
    client, administrator, request_in
):
    filed = request_in(State.SUBMITTED)
    client.force_login(administrator)
    assert client.get(CSV, {"contacts": "1"}).status_code == 404
    body = client.get(page_of(reference_of(filed)), {"contact": "1"}).content
    assert b"@example.ma" not in body
    assert 'action="/planner/requests/' not in body.decode()


def test_the_contact_is_shown_on_demand_and_logged(signed_in, request_in):
    filed = request_in(State.SUBMITTED)
    body = signed_in.get(page_of(reference_of(filed))).content.decode()
    assert "@example.ma" not in body
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.PERSONAL_DATA_VIEWED
    ).exists()
    body = signed_in.get(page_of(reference_of(filed)), {"contact": "1"}).content
    assert b"@example.ma" in body
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PERSONAL_DATA_VIEWED
    ).exists()


def post(client, filed, action, **data):
    response = client.post(action_url(reference_of(filed), action), data, follow=True)
    assert response.status_code in {200, 400, 403, 409}
    return html.unescape(response.content.decode())


def state_of(filed) -> str:
    return CitizenRequest.objects.get(pk=filed.request.pk).case.state


@pytest.mark.parametrize(
    ("state", "action", "data", "target"),
    [
        (State.SUBMITTED, "acknowledge", {}, State.ACKNOWLEDGED),
        (State.ACKNOWLEDGED, "review", {}, State.IN_REVIEW),
        (State.IN_REVIEW, "ask", {"text": "Le numéro ?"}, State.WAITING),
        (State.WAITING, "resume", {}, State.IN_REVIEW),
        (State.IN_REVIEW, "answer", {"text": "Réponse."}, State.ANSWERED),
        (State.ANSWERED, "close", {}, State.CLOSED),
        (State.SUBMITTED, "reject", {"text": "Hors sujet."}, State.INADMISSIBLE),
        (
            State.ACKNOWLEDGED,
            "redirect",
            {"authority": "Commune de Salé"},
            State.NOT_COMPETENT,
        ),
    ],
)
def test_each_action_form_reaches_its_service(
    signed_in, request_in, state, action, data, target
):
    filed = request_in(state)
    body = post(signed_in, filed, action, **data)
    assert state_of(filed) == target
    assert "La requête est mise à jour." in body


def test_mark_duplicate_names_the_original_by_its_reference(signed_in, request_in):
    original = request_in(State.SUBMITTED)
    filed = request_in(State.SUBMITTED)
    body = post(signed_in, filed, "mark_duplicate", original="AURS-9999-999999")
    assert "Aucune requête de l'agence n'a la référence" in body
    assert state_of(filed) == State.SUBMITTED
    body = post(signed_in, filed, "mark_duplicate", original=reference_of(original))
    assert state_of(filed) == State.DUPLICATE
    assert reference_of(original) in body


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_refusals_are_shown_in_the_planners_language(signed_in, request_in, language):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    submitted = request_in(State.SUBMITTED)
    # The state does not allow it.
    body = signed_in.post(
        action_url(reference_of(submitted), "close"), follow=True, **headers
    ).content.decode()
    body = html.unescape(body)
    expected = {
        "fr": "n'est pas possible sur une requête",
        "ar": "لا يمكن",
    }[language]
    assert expected in body
    # A required text or authority is missing.
    body = signed_in.post(
        action_url(reference_of(submitted), "redirect"),
        {"authority": " "},
        follow=True,
        **headers,
    ).content.decode()
    body = html.unescape(body)
    expected = {"fr": "Nommez l'autorité compétente", "ar": "الجهة المختصة"}[language]
    assert expected in body
    assert state_of(submitted) == State.SUBMITTED


def test_an_answer_cites_a_zone_rule_chosen_on_the_page(
    site,  # noqa: F811 - the fixture imported above
    signed_in,
    kind,
    planner,
    file_request,
):
    # A rule of a zone the parcel does not meet: offered, after the others.
    ZoneRule.objects.create(document=site.document, code="AA", label_fr="Ailleurs")
    filed = file_request(kind, place=PlaceInput(parcel_reference="TF 100/07"))
    for name in ("confirm", "acknowledge", "review"):
        act(name, filed, staff=planner)
    page = html.unescape(signed_in.get(page_of(reference_of(filed))).content.decode())
    # The zoning at the parcel, and its rules offered first.
    assert "Zone d'immeubles" in page
    rule = ZoneRule.objects.get(document=site.document, code="UA")
    select = page[page.index('id="answer-rules"') :]
    options = re.findall(
        r"<option[^>]*>([^<]*)</option>", select[: select.index("</select>")]
    )
    here = "(à l'emplacement de la requête)"
    assert [option.split(" — ")[1].split()[0] for option in options] == [
        "UA",
        "VE",
        "AA",
    ]
    assert [here in option for option in options] == [True, True, False]
    body = post(
        signed_in,
        filed,
        "answer",
        text="La hauteur est limitée à R+4.",
        zone_rule=str(rule.pk),
        article="Article 14",
    )
    assert state_of(filed) == State.ANSWERED
    assert "Cite la règle de la zone UA de PA-1" in body
    assert "Article 14" in body


def test_a_subject_a_spreadsheet_would_run_is_quoted(
    signed_in, kind, planner, file_request
):
    filed = file_request(kind, subject='=HYPERLINK("http://example.com","x")')
    act("confirm", filed, staff=planner)
    rows = csv_rows(signed_in.get(CSV, {"contacts": "1"}))
    assert rows[1][-4] == '\'=HYPERLINK("http://example.com","x")'


def test_an_answer_starts_from_a_template_in_the_requesters_language(
    signed_in, kind, other_agency, planner, file_request
):
    mine = AnswerTemplate.objects.create(
        agency=kind.agency,
        title="Zone confirmée",
        text_fr="La zone de votre parcelle est confirmée.",
        text_ar="تم تأكيد منطقة قطعتكم الأرضية.",
    )
    AnswerTemplate.objects.create(
        agency=kind.agency,
        title="Retiré",
        text_fr="Ancien texte.",
        text_ar="نص قديم.",
        active=False,
    )
    foreign = AnswerTemplate.objects.create(
        agency=other_agency, title="Autre agence", text_fr="Non.", text_ar="لا."
    )
    filed = file_request(kind, language="ar")
    for name in ("confirm", "acknowledge", "review"):
        act(name, filed, staff=planner)
    page = html.unescape(signed_in.get(page_of(reference_of(filed))).content.decode())
    assert "Zone confirmée" in page
    assert "Retiré" not in page
    assert "Autre agence" not in page
    chosen = signed_in.get(page_of(reference_of(filed)), {"template": mine.pk})
    answer = re.search(
        r'<textarea name="text" id="answer-text"[^>]*>([^<]*)</textarea>',
        chosen.content.decode(),
    )
    assert answer.group(1) == "تم تأكيد منطقة قطعتكم الأرضية."
    guessed = signed_in.get(page_of(reference_of(filed)), {"template": foreign.pk})
    answer = re.search(
        r'<textarea name="text" id="answer-text"[^>]*>([^<]*)</textarea>',
        guessed.content.decode(),
    )
    assert answer.group(1) == ""


def handled(filed, planner, *, acknowledged=None, answered=None):
    """Confirm ``filed`` at FILED_AT, acknowledge it and answer it after
    the given numbers of days."""
    day = datetime.timedelta(days=1)
    act("confirm", filed, staff=planner, at=FILED_AT)
    if acknowledged is not None:
        act("acknowledge", filed, staff=planner, at=FILED_AT + acknowledged * day)
    if answered is not None:
        act("review", filed, staff=planner, at=FILED_AT + answered * day)
        act("answer", filed, staff=planner, at=FILED_AT + answered * day)


def test_statistics_per_kind_and_for_all(
    signed_in,
    kind,
    make_kind,
    planner,
    other_kind,
    other_planner,
    file_request,
):
    suggestion = make_kind(kind.agency, "suggestion", label_fr="Suggestion")
    handled(file_request(kind), planner, acknowledged=2, answered=10)
    handled(file_request(kind), planner, acknowledged=20, answered=70)
    handled(file_request(kind), planner)
    handled(file_request(suggestion), planner, acknowledged=4)
    handled(file_request(other_kind), other_planner, acknowledged=1, answered=1)
    rows = selectors.request_statistics(user=planner)
    assert [row.kind for row in rows] == [suggestion, kind, None]
    complaint, total = rows[1], rows[2]
    assert (complaint.submitted, complaint.acknowledged, complaint.answered) == (
        3,
        2,
        2,
    )
    assert complaint.median_days_to_acknowledge == 11.0
    assert complaint.median_days_to_answer == 40.0
    assert complaint.acknowledged_in_time == 0.5
    assert complaint.answered_in_time == 0.5
    assert (total.submitted, total.acknowledged, total.answered) == (4, 3, 2)
    assert total.median_days_to_acknowledge == 4.0
    assert total.acknowledged_in_time == pytest.approx(2 / 3)
    page = html.unescape(
        signed_in.get(reverse("requete-staff:statistics")).content.decode()
    )
    medians = re.search(r"Réclamation sur le zonage</th>(.*?)</tr>", page, re.S)
    assert [cell.strip() for cell in re.findall(r"<td>(.*?)</td>", medians[1], re.S)][
        3:
    ] == [
        "11",
        "40",
        "50 %",
        "50 %",
    ]
    assert "67 %" in page
    assert page.count("Réclamation sur le zonage") == 1  # not agency B's kind


def test_ids_that_are_not_plain_numbers_are_refused_not_a_500(signed_in, request_in):
    filed = request_in(State.IN_REVIEW)
    for value in ("²", "٣", "1.5", "x"):
        body = post(signed_in, filed, "answer", text="Réponse.", zone_rule=value)
        assert "Choisissez une règle de zone dans la liste." in body
        body = post(signed_in, filed, "assign", assignee=value)
        assert "Choisissez un membre du personnel de l'agence." in body
        page = signed_in.get(page_of(reference_of(filed)), {"template": value})
        assert page.status_code == 200
    assert state_of(filed) == State.IN_REVIEW


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("acknowledge", {}),
        ("review", {}),
        ("ask", {"text": "Le numéro ?"}),
        ("resume", {}),
        ("answer", {"text": "Réponse."}),
        ("close", {}),
        ("reject", {"text": "Hors sujet."}),
        ("redirect", {"authority": "Commune de Salé"}),
    ],
)
def test_each_action_form_shows_its_refusal(signed_in, request_in, action, data):
    """On a closed request every move is refused, in words, and nothing
    changes."""
    filed = request_in(State.CLOSED)
    events = CaseEvent.objects.filter(case=filed.request.pk).count()
    body = post(signed_in, filed, action, **data)
    assert "n'est pas possible sur une requête à l'état « Close »" in body
    assert state_of(filed) == State.CLOSED
    assert CaseEvent.objects.filter(case=filed.request.pk).count() == events


def test_a_refused_form_keeps_what_the_planner_wrote(signed_in, request_in):
    filed = request_in(State.SUBMITTED)
    response = signed_in.post(
        action_url(reference_of(filed), "redirect"),
        {"authority": " ", "text": "La voirie relève de la commune."},
    )
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert "Nommez l'autorité compétente" in body
    assert "La voirie relève de la commune.</textarea>" in body
    assert state_of(filed) == State.SUBMITTED
    # The state forbids the move: a 409.
    response = signed_in.post(action_url(reference_of(filed), "close"))
    assert response.status_code == 409


def test_the_map_shows_the_place_and_the_zones_around_it(
    site,  # noqa: F811 - the fixture imported above
    kind,
    planner,
    file_request,
    request_in,
):
    filed = file_request(kind, place=PlaceInput(parcel_reference="TF 100/07"))
    act("confirm", filed, staff=planner)
    request = CitizenRequest.objects.get(pk=filed.request.pk)
    drawn = selectors.request_place_map(request=request)
    roles = [
        feature["properties"].get("code", "place") for feature in drawn["features"]
    ]
    assert sorted(roles) == ["UA", "VE", "place"]
    nowhere = request_in(State.SUBMITTED).request
    assert selectors.request_place_map(request=nowhere) is None
