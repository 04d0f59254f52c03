"""Law 09-08: a requester's personal data exported and erased on request,
by the agency's staff or the operator's command, and erased past retention;
the request's kind, place, states and dates stay."""

from __future__ import annotations

import datetime
import json

from django.core.management import call_command

from audit.models import AuditEvent
from cases.models import Case, CaseEvent, Notification
from cases.services import RequesterData
from requete.models import CitizenRequest
from requete.privacy import requester_erase, requester_export, retention_purge
from requete.states import State
from tests.requete_fixtures import act

DAY = datetime.timedelta(days=1)
CONTACT = RequesterData(name="Amina Berrada", email="amina@example.ma")


def test_export_gives_everything_held_about_the_contact(
    kind, other_kind, file_request, planner
):
    filed = file_request(kind, requester=CONTACT)
    act("confirm", filed, staff=planner)
    file_request(other_kind, requester=CONTACT)
    file_request(kind, requester=RequesterData(email="someone@example.ma"))
    exported = requester_export(email="AMINA@example.ma", actor=planner)
    # Staff reach their agency's requests only.
    assert [row["reference"] for row in exported] == [filed.request.case.reference]
    row = exported[0]
    assert (row["name"], row["email"]) == ("Amina Berrada", "amina@example.ma")
    assert row["description"] == "Le plan classe ma parcelle en zone verte."
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.PERSONAL_DATA_EXPORTED, actor=planner
        ).count()
        == 1
    )
    # The operator's command reaches every agency's.
    assert len(requester_export(email="amina@example.ma")) == 2


def test_erasure_leaves_the_request_without_personal_data(request_in, planner):
    filed = request_in(State.WAITING)
    act("reply", filed, staff=planner)
    email = Case.objects.get(pk=filed.request.pk).requester.email
    assert requester_erase(email=email, actor=planner) == 1
    case = Case.objects.get(pk=filed.request.pk)
    requester = case.requester
    assert (requester.name, requester.email, requester.phone) == ("", "", "")
    assert requester.erased_at is not None
    request = CitizenRequest.objects.get(pk=case.pk)
    assert (request.subject, request.description, request.extra) == ("", "", {})
    words = CaseEvent.objects.filter(case=case, by_requester=True)
    assert set(words.values_list("text", flat=True)) == {""}
    assert set(
        Notification.objects.filter(case=case).values_list("recipient", "body")
    ) == {("", "")}
    # What the agency did stays: states, dates, its own question.
    assert case.state == State.IN_REVIEW
    assert CaseEvent.objects.filter(case=case, text="Le numéro du permis ?").exists()
    assert requester_export(email=email) == []


def test_the_command_exports_and_erases(kind, file_request, capsys):
    file_request(kind, requester=CONTACT)
    call_command("request_personal_data", "export", "--email", "amina@example.ma")
    exported = json.loads(capsys.readouterr().out)
    assert exported[0]["name"] == "Amina Berrada"
    call_command("request_personal_data", "erase", "--email", "amina@example.ma")
    assert "erased the personal data of 1 request(s)" in capsys.readouterr().out
    assert Case.objects.get().requester.name == ""


def test_personal_data_goes_when_retention_ends(request_in, settings, capsys):
    settings.GEOPORTAIL_CASE_RETENTION_DAYS = 365
    closed = request_in(State.CLOSED)
    still_open = request_in(State.IN_REVIEW)
    closed_at = Case.objects.get(pk=closed.request.pk).closed_at
    assert retention_purge(now=closed_at + 364 * DAY) == 0
    assert retention_purge(now=closed_at + 366 * DAY) == 1
    assert Case.objects.get(pk=closed.request.pk).requester.email == ""
    assert Case.objects.get(pk=still_open.request.pk).requester.email != ""
    assert retention_purge(now=closed_at + 400 * DAY) == 0  # once
    call_command("request_retention_purge")
    assert "erased the personal data of 0 request(s)" in capsys.readouterr().out
