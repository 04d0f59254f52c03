"""The outbox: a row per message, written in the transaction that decided
it, sent afterwards — e-mail by Django's mailer (the console by default),
text messages by the configured sender — with retries."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from cases.models import Notification
from cases.outbox import outbox_send
from cases.services import RequesterData
from requete.states import State

UTC = datetime.UTC
LATER = datetime.datetime(2031, 1, 1, tzinfo=UTC)


class BrokenGateway:
    """An SMS gateway that is down."""

    def send(self, *, to: str, body: str) -> None:
        raise ConnectionError("gateway unreachable")


def test_filing_queues_the_confirmation_link_on_each_channel(kind, file_request):
    filed = file_request(
        kind,
        requester=RequesterData(email="amina@example.ma", phone="0661234567"),
    )
    rows = Notification.objects.filter(case_id=filed.request.pk)
    assert sorted(rows.values_list("channel", "recipient")) == [
        ("email", "amina@example.ma"),
        ("sms", "0661234567"),
    ]
    for row in rows:
        assert filed.confirmation_token in row.body
        assert row.status == Notification.Status.PENDING
    assert mail.outbox == []  # nothing leaves before the worker runs


def test_a_rolled_back_filing_leaves_nothing_to_send(kind, file_request):
    def file_then_fail():
        with transaction.atomic():
            file_request(kind)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        file_then_fail()
    assert not Notification.objects.exists()


def test_the_worker_sends_email_and_sms_once(kind, file_request, settings, capsys):
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    }
    filed = file_request(
        kind,
        requester=RequesterData(email="amina@example.ma", phone="+212 661 23 45 67"),
    )
    run = outbox_send(now=LATER)
    assert (run.sent, run.retried, run.failed) == (2, 0, 0)
    printed = capsys.readouterr().out
    email, sms = printed.split("SMS to +212 661 23 45 67:\n")  # console sender
    assert "To: amina@example.ma" in email  # the console mailer
    assert sms.startswith(
        f"Pour confirmer votre requête {filed.request.case.reference}"
    )
    assert filed.confirmation_token in sms
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert outbox_send(now=LATER).sent == 0  # nothing sent twice


def test_notifications_are_in_the_requesters_language(kind, file_request):
    filed = file_request(kind, language="ar")
    outbox_send(now=LATER)
    (message,) = mail.outbox
    reference = filed.request.case.reference
    assert message.subject == f"طلبكم {reference}"
    assert "لتأكيد" in message.body


def test_each_move_the_requester_must_know_of_is_sent(request_in, planner):
    filed = request_in(State.ANSWERED)
    bodies = list(
        Notification.objects.filter(
            case_id=filed.request.pk, channel="email"
        ).values_list("body", flat=True)
    )
    assert len(bodies) == 4  # link, registered, acknowledged, answered
    assert "accusons réception" in bodies[2]
    assert "La zone reste verte." in bodies[3]


def test_internal_notes_are_never_sent(request_in, planner):
    from requete.models import CitizenRequest
    from requete.services import request_message_add

    filed = request_in(State.IN_REVIEW)
    before = Notification.objects.filter(case_id=filed.request.pk).count()
    request = CitizenRequest.objects.get(pk=filed.request.pk)
    request_message_add(request=request, actor=planner, text="Voir M. X", public=False)
    assert Notification.objects.filter(case_id=filed.request.pk).count() == before
    request_message_add(
        request=request, actor=planner, text="Dossier reçu", public=True
    )
    assert Notification.objects.filter(case_id=filed.request.pk).count() == before + 1


def test_failures_are_retried_later_then_kept_as_failed(kind, file_request, settings):
    settings.GEOPORTAIL_SMS_SENDER = "tests.cases.test_outbox.BrokenGateway"
    settings.GEOPORTAIL_OUTBOX_MAX_ATTEMPTS = 3
    file_request(kind, requester=RequesterData(phone="0661234567"))
    sms = Notification.objects.get(channel="sms")
    now = LATER
    run = outbox_send(now=now)
    assert (run.sent, run.retried) == (0, 1)
    sms.refresh_from_db()
    assert sms.status == Notification.Status.PENDING
    assert sms.last_error == "ConnectionError: gateway unreachable"
    assert sms.next_attempt_at == now + datetime.timedelta(minutes=1)
    assert outbox_send(now=now).retried == 0  # not due yet
    now += datetime.timedelta(minutes=1)
    assert outbox_send(now=now).retried == 1
    sms.refresh_from_db()
    assert sms.next_attempt_at == now + datetime.timedelta(minutes=2)
    now += datetime.timedelta(minutes=2)
    assert outbox_send(now=now).failed == 1
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (Notification.Status.FAILED, 3)
    settings.GEOPORTAIL_SMS_SENDER = "cases.sms.ConsoleSmsSender"
    assert outbox_send(now=now + datetime.timedelta(days=1)).sent == 0


def test_the_command_sends_what_is_due(kind, file_request, capsys):
    file_request(kind)
    call_command("outbox_send")
    assert "sent 1, to retry 0, failed 0" in capsys.readouterr().out
    assert len(mail.outbox) == 1
