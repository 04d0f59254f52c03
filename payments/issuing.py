"""A paid order's documents, issued after the payment commits.

The paying transaction holds the agency's receipt counter until it ends, so
it does only what must be atomic: the order paid, the receipt numbered, and a
``ReceiptIssue`` row with its task (``receipt_issue_queue``). django-tasks-db
keeps its queue in a table of the same database, so the task is queued if and
only if the payment commits. The worker (``manage.py import_worker``, which
runs every task of the default queue) then delivers what the order bought —
the official note first, which names the order and the receipt — and
registers the receipt's PDF, which names the note.

Each run locks the issue's row with ``SKIP LOCKED`` and does nothing unless
it is still pending, so two workers, or a task delivered twice, issue nothing
twice. A failure is rolled back, recorded (``last_error``) and tried again
later, waiting twice as long each time, until ``PAYMENTS_ISSUE_MAX_ATTEMPTS``:
then the issue stays failed, shown to the agency's staff on their orders list.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import require_change
from core.retries import failure_record
from payments.errors import TransitionRefused
from payments.fulfilment import order_deliver
from payments.models import Receipt, ReceiptIssue
from payments.receipts import receipt_register

logger = logging.getLogger(__name__)

RETRY_BASE = datetime.timedelta(seconds=30)


@task
def receipt_issue_task(issue_id: int) -> str:
    """Issue the documents of ``ReceiptIssue`` ``issue_id``; return its status."""
    return receipt_issue_run(issue_id=issue_id)


def receipt_issue_queue(*, receipt: Receipt) -> ReceiptIssue:
    """In the transaction that numbers ``receipt``: the row saying its
    documents are to be issued, and the task that will issue them."""
    issue = ReceiptIssue.objects.create(receipt=receipt)
    receipt_issue_task.enqueue(issue.pk)
    return issue


def _issue(issue: ReceiptIssue, *, now: datetime.datetime) -> None:
    """Deliver and register the documents of the locked, pending ``issue``,
    or record why not and when to try again."""
    receipt = issue.receipt
    issue.attempts += 1
    try:
        with transaction.atomic():
            order_deliver(order=receipt.order, receipt=receipt)
            receipt_register(receipt=receipt)
    except Exception as error:
        # Kept on the row for staff, logged with its traceback for operators.
        logger.exception("issuing the documents of receipt %s failed", receipt)
        again = failure_record(
            issue,
            error,
            now=now,
            base=RETRY_BASE,
            max_attempts=settings.PAYMENTS_ISSUE_MAX_ATTEMPTS,
            failed_status=ReceiptIssue.Status.FAILED,
        )
        if again and default_task_backend.supports_defer:
            receipt_issue_task.using(run_after=issue.next_attempt_at).enqueue(issue.pk)
    else:
        issue.status, issue.done_at = ReceiptIssue.Status.DONE, timezone.now()
    issue.save()


def _locked_pending():
    # Only the issue's row: the receipt, order and agency read with it stay
    # free for the agency's other payments and issues.
    return ReceiptIssue.objects.select_for_update(
        skip_locked=True, of=("self",)
    ).filter(status=ReceiptIssue.Status.PENDING)


def receipt_issue_run(*, issue_id: int) -> str:
    """Issue the documents of the pending issue ``issue_id``, unless another
    worker holds it; return its status afterwards (``pending`` again when it
    failed and will be tried again)."""
    with transaction.atomic():
        issue = (
            _locked_pending()
            .select_related("receipt__order__tariff", "receipt__agency")
            .filter(pk=issue_id)
            .first()
        )
        if issue is not None:
            _issue(issue, now=timezone.now())
            return issue.status
    return ReceiptIssue.objects.get(pk=issue_id).status


def receipt_issues_due(
    *, now: datetime.datetime | None = None, limit: int = 100
) -> int:
    """Issue up to ``limit`` pending issues whose time has come, oldest
    first — the ones whose task was lost or could not be deferred (a task
    backend that runs at once). Returns how many were tried."""
    now = now or timezone.now()
    tried = 0
    for _round in range(limit):
        with transaction.atomic():
            issue = (
                _locked_pending()
                .filter(next_attempt_at__lte=now)
                .select_related("receipt__order__tariff", "receipt__agency")
                .order_by("next_attempt_at", "id")
                .first()
            )
            if issue is None:
                break
            _issue(issue, now=now)
            tried += 1
    return tried


def receipt_issues_retry_failed() -> int:
    """Put the issues that failed every attempt back in the queue, due now
    and with their attempts counted afresh; return how many."""
    return ReceiptIssue.objects.filter(status=ReceiptIssue.Status.FAILED).update(
        status=ReceiptIssue.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )


@transaction.atomic
def receipt_issue_retry(*, receipt: Receipt, by) -> ReceiptIssue:
    """Queue again, at once, the documents of ``receipt`` that failed every
    attempt, at the request of an agent of its agency (once the cause is
    fixed); their attempts are counted afresh.

    Raises PermissionDenied for anyone but the agency's agents,
    TransitionRefused when they are not failed.
    """
    require_change(by, receipt)
    issue = ReceiptIssue.objects.select_for_update().get(receipt=receipt)
    if issue.status != ReceiptIssue.Status.FAILED:
        raise TransitionRefused(
            _("Only documents that could not be issued are tried again.")
        )
    issue.status, issue.attempts = ReceiptIssue.Status.PENDING, 0
    issue.next_attempt_at = timezone.now()
    issue.save(update_fields=["status", "attempts", "next_attempt_at"])
    receipt_issue_task.enqueue(issue.pk)
    return issue
