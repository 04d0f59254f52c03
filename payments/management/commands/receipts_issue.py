"""Issue the documents of paid orders still waiting for them.

The worker issues each as its payment commits (``payments.issuing``); this
takes the pending ones whose time has come — after a task was lost, or with a
task backend that cannot defer a retry — and, with ``--retry-failed``, puts
the ones that failed for good back in the queue once their cause is fixed.
"""

from django.core.management.base import BaseCommand

from payments.issuing import receipt_issues_due, receipt_issues_retry_failed


class Command(BaseCommand):
    help = "Issue the due documents (receipts, official notes) of paid orders."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="first queue again the issues that failed every attempt",
        )

    def handle(self, *args, limit: int, retry_failed: bool, **options):
        if retry_failed:
            self.stdout.write(f"queued again: {receipt_issues_retry_failed()}")
        self.stdout.write(f"tried: {receipt_issues_due(limit=limit)}")
