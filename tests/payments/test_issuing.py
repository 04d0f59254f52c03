"""A paid order's documents are issued after the payment commits, by the
worker that scripts/run starts: once, even by two workers at a time; a
failure is tried again, then shown to the agency's staff."""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from documents.models import IssuedDocument
from payments.issuing import receipt_issue_run, receipt_issue_task, receipt_issues_due
from payments.models import Order, Receipt, ReceiptIssue
from payments.services import attempt_start, card_callback_handle
from payments.simulator import simulated_callback
from tests.payments.conftest import URLS

TASK_PATH = "payments.issuing.receipt_issue_task"


def pay(order) -> Receipt:
    """The gateway's approval, and nothing more: the payment committed."""
    _attempt, instructions = attempt_start(order=order, provider="cmi", urls=URLS)
    card_callback_handle(
        fields=simulated_callback(instructions.form_fields, approved=True)
    )
    return Receipt.objects.select_related("issue").get(order=order)


def registered(receipt: Receipt) -> int:
    return IssuedDocument.objects.filter(subject_reference=receipt.reference).count()


def test_the_payment_commits_with_its_documents_queued_not_issued(order):
    receipt = pay(order)
    assert receipt.issue.status == ReceiptIssue.Status.PENDING
    assert registered(receipt) == 0
    queued = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert [task.args_kwargs["args"] for task in queued] == [[receipt.issue.pk]]


def test_running_the_task_twice_issues_the_documents_once(order):
    receipt = pay(order)
    assert receipt_issue_run(issue_id=receipt.issue.pk) == "done"
    assert receipt_issue_run(issue_id=receipt.issue.pk) == "done"
    assert receipt_issues_due() == 0
    receipt.issue.refresh_from_db()
    assert (receipt.issue.attempts, registered(receipt)) == (1, 1)
    assert receipt.issue.done_at is not None


def test_a_failure_is_tried_again_then_shown_to_staff_then_issued_once_fixed(
    order, settings, tmp_path, client, planner
):
    """The agency's certificate is missing (a signing directory without its
    PKCS#12 file): nothing is registered, the error is kept and a later try
    queued; after the last attempt the citizen and the staff are told; once
    the certificate is back, the operator's command issues them."""
    settings.PAYMENTS_ISSUE_MAX_ATTEMPTS = 3
    settings.GEOPORTAIL_PADES_DIR = str(tmp_path)
    receipt = pay(order)
    before = timezone.now()
    assert receipt_issue_run(issue_id=receipt.issue.pk) == "pending"
    issue = ReceiptIssue.objects.get(pk=receipt.issue.pk)
    assert issue.attempts == 1
    assert "No PKCS#12 file" in issue.last_error
    assert issue.next_attempt_at >= before + datetime.timedelta(seconds=30)
    assert registered(receipt) == 0
    retry = DBTaskResult.objects.filter(task_path=TASK_PATH).order_by("-enqueued_at")
    assert retry.first().run_after == issue.next_attempt_at
    later = timezone.now() + datetime.timedelta(hours=1)
    assert receipt_issues_due(now=later) == 1
    assert receipt_issues_due(now=later + datetime.timedelta(hours=1)) == 1
    issue.refresh_from_db()
    assert (issue.status, issue.attempts) == (ReceiptIssue.Status.FAILED, 3)
    french = {"Accept-Language": "fr"}
    page = client.get(reverse("payments:order", args=[order.reference]), headers=french)
    content = page.content.decode()
    assert 'data-state="failed"' in content
    assert "Le personnel de l'agence le voit dans sa liste des commandes" in content
    download = client.get(
        reverse("payments:receipt_pdf", args=[order.reference]), headers=french
    )
    assert download.status_code == 503
    client.force_login(planner)
    staff = client.get(reverse("payments:staff_orders"), headers=french)
    assert "documents non délivrés après 3 tentatives" in staff.content.decode()
    settings.GEOPORTAIL_PADES_DIR = ""
    retry = reverse("payments:staff_issue_retry", args=[order.reference])
    answer = client.post(retry, headers=french, follow=True)
    assert "sont de nouveau en préparation" in answer.content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.attempts) == (ReceiptIssue.Status.PENDING, 0)
    assert receipt_issues_due() == 1
    issue.refresh_from_db()
    assert (issue.status, issue.attempts, registered(receipt)) == ("done", 1, 1)
    # Issued: nothing to try again.
    answer = client.post(retry, headers=french, follow=True)
    assert "pas pu être délivrés sont réessayés" in answer.content.decode()


def test_another_agencys_planner_cannot_retry_them(order, client, other_planner):
    receipt = pay(order)
    ReceiptIssue.objects.filter(pk=receipt.issue.pk).update(status="failed")
    client.force_login(other_planner)
    retry = reverse("payments:staff_issue_retry", args=[order.reference])
    assert client.post(retry).status_code == 404
    assert ReceiptIssue.objects.get(pk=receipt.issue.pk).status == "failed"


def test_the_operators_command_queues_the_failed_ones_again_and_issues_them(order):
    receipt = pay(order)
    ReceiptIssue.objects.filter(pk=receipt.issue.pk).update(status="failed", attempts=5)
    output = io.StringIO()
    call_command("receipts_issue", "--retry-failed", stdout=output)
    assert output.getvalue().splitlines() == ["queued again: 1", "tried: 1"]
    receipt.issue.refresh_from_db()
    assert (receipt.issue.status, receipt.issue.attempts) == ("done", 1)
    assert registered(receipt) == 1


def test_the_api_repeat_of_an_order_tells_where_its_documents_are(
    client, agency, tariff
):
    """The same request with the same Idempotency-Key answers the order as it
    is now: not paid, then paid with its documents pending, then issued."""

    def placed() -> dict:
        return client.post(
            reverse("payments:order_create"),
            json.dumps(
                {"agency": agency.code, "service": tariff.service, "subject": "x"}
            ),
            content_type="application/json",
            headers={"Idempotency-Key": "state"},
        ).json()

    first = placed()
    assert (first["status"], first["documents"]) == ("awaiting_payment", None)
    receipt = pay(Order.objects.get(reference=first["reference"]))
    assert (placed()["status"], placed()["documents"]) == ("paid", "pending")
    receipt_issue_run(issue_id=receipt.issue.pk)
    assert placed()["documents"] == "done"


def worker_env() -> dict:
    """This process's environment on the test database, for a worker."""
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "geoportal.settings",
        "GEOPORTAIL_PADES_TEST_CA": "true",
        "DATABASE_URL": (
            f"postgis://{database['USER']}@/{database['NAME']}"
            f"?host={database['HOST']}&port={database['PORT']}"
        ),
    }
    environment.pop("GEOPORTAIL_TEST_DATABASE", None)
    return environment


def workers_run(count: int) -> None:
    """``count`` workers of scripts/run (``manage.py import_worker``) at
    once, each until the queue is empty."""
    workers = [
        subprocess.Popen(
            [
                *(sys.executable, "manage.py", "import_worker"),
                *("--batch", "--no-startup-delay", "-v", "0"),
            ],
            cwd=Path(__file__).resolve().parents[2],
            env=worker_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    for worker in workers:
        _out, errors = worker.communicate(timeout=600)
        assert worker.returncode == 0, errors[-2000:]


@pytest.mark.django_db(transaction=True)
def test_the_worker_scripts_run_starts_issues_them(order):
    receipt = pay(order)
    workers_run(1)
    receipt.issue.refresh_from_db()
    assert receipt.issue.status == ReceiptIssue.Status.DONE
    assert registered(receipt) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_issue_each_receipts_documents_exactly_once(make_order):
    """Two worker processes, every task queued twice (as a task delivered
    again would be): each receipt is registered once, by one attempt."""
    receipts = [pay(make_order(f"two-workers-{index}")) for index in range(12)]
    for receipt in receipts:
        receipt_issue_task.enqueue(receipt.issue.pk)
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 24
    workers_run(2)
    issues = ReceiptIssue.objects.filter(receipt__in=receipts)
    assert sorted(issues.values_list("status", "attempts")) == [("done", 1)] * 12
    for receipt in receipts:
        assert registered(receipt) == 1
