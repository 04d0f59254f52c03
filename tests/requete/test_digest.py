"""The weekly digest of requests: one mail per planner, in their language,
listing the week's new, late, soon due and answered requests of their agency
with links, sent through the outbox; once per week; and the queue's count
of late and soon due requests with links to them."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import User
from cases.models import Notification
from cases.outbox import outbox_send
from requete import selectors, services
from requete.digest import requests_digest_queue
from tests.requete_fixtures import FILED_AT, act

DAY = datetime.timedelta(days=1)
# A Wednesday, 16 days after the first filings (a Monday).
NOW = FILED_AT + 16 * DAY


@pytest.fixture
def locmem(settings):
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }
    settings.GEOPORTAIL_PUBLIC_URL = "https://geoportail.example.ma"


@pytest.fixture
def week(kind, planner, file_request, other_kind, other_planner):
    """Requests of ``aurs`` in each list of the digest, and one of ``aukt``."""

    def confirmed(kind, at):
        filed = file_request(kind, at=at)
        services.request_confirm(token=filed.confirmation_token, at=at)
        return filed

    late = confirmed(kind, FILED_AT)  # not acknowledged in 15 days
    new = confirmed(kind, NOW - 2 * DAY)
    soon = confirmed(kind, NOW - 10 * DAY)  # acknowledgement due in 5 days
    answered = confirmed(kind, NOW - 12 * DAY)
    for name in ("acknowledge", "review", "answer"):
        act(name, answered, staff=planner, at=NOW - DAY)
    elsewhere = confirmed(other_kind, NOW - DAY)
    planner.email = "planner@aurs.example.ma"
    planner.save()
    return {
        name: filed.request.case.reference
        for name, filed in [
            ("late", late),
            ("new", new),
            ("soon", soon),
            ("answered", answered),
            ("elsewhere", elsewhere),
        ]
    }


def _digests() -> list:
    """The mails sent to the planner (requesters get theirs too)."""
    outbox_send(now=NOW + 14 * DAY, limit=1000)
    return [m for m in mail.outbox if m.to == ["planner@aurs.example.ma"]]


def _section(body: str, title: str) -> str:
    """The lines of ``body`` from ``title`` to the next blank line."""
    return body.split(title, 1)[1].split("\n\n", 1)[0]


def test_a_planner_gets_the_weeks_lists_with_links(week, locmem):
    assert requests_digest_queue(now=NOW) == 1  # aukt's planner has no e-mail
    [message] = _digests()
    assert message.subject.startswith("Requêtes de la semaine")
    body = message.body
    assert week["new"] in _section(body, "1 nouvelle requête cette semaine")
    assert week["late"] in _section(body, "1 requête en retard")
    assert week["soon"] in _section(body, "1 requête à échéance dans les 7 jours")
    assert week["answered"] in _section(body, "1 requête répondue cette semaine")
    assert week["elsewhere"] not in body
    link = f"https://geoportail.example.ma/planner/requests/{week['late']}/"
    assert link in body
    assert "https://geoportail.example.ma/planner/requests/" in body


def test_the_digest_is_in_the_planners_language(week, locmem, planner):
    planner.language = "ar"
    planner.save()
    requests_digest_queue(now=NOW)
    [message] = _digests()
    assert "طلبات الأسبوع" in message.subject
    assert "متأخر" in message.body


def test_a_second_run_in_the_week_queues_nothing(week, locmem):
    assert requests_digest_queue(now=NOW) == 1
    call_command("requests_digest")  # the command, later that week or not
    assert requests_digest_queue(now=NOW + 3 * DAY) == 0
    digests = Notification.objects.filter(recipient="planner@aurs.example.ma")
    assert digests.count() == 1
    assert requests_digest_queue(now=NOW + 7 * DAY) == 1  # next week


def test_no_digest_for_a_week_without_requests(locmem, kind, planner):
    planner.email = "planner@aurs.example.ma"
    planner.save()
    assert requests_digest_queue(now=NOW) == 0
    assert not Notification.objects.exists()


def test_the_queue_counts_late_and_soon_due_requests_and_lists_them(
    week, planner, client
):
    counts = selectors.request_deadline_counts(user=planner, now=NOW)
    assert (counts.overdue, counts.due_soon) == (1, 1)
    soon = selectors.request_queue(
        user=planner,
        filters=selectors.QueueFilters(due_within=selectors.DUE_SOON),
        now=NOW,
    )
    assert [request.case.reference for request in soon] == [week["soon"]]
    client.force_login(planner)
    page = client.get("/planner/requests/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/planner/requests/?overdue=yes"' in html
    assert 'href="/planner/requests/?overdue=week"' in html
    week_page = client.get("/planner/requests/?overdue=week", HTTP_ACCEPT_LANGUAGE="fr")
    assert week_page.status_code == 200


def test_another_agencys_planner_counts_only_their_own(week, other_planner):
    counts = selectors.request_deadline_counts(user=other_planner, now=NOW)
    assert (counts.overdue, counts.due_soon) == (0, 0)
    assert User.objects.get(pk=other_planner.pk).language == "fr"
