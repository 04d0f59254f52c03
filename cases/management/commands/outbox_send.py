"""Send the notifications waiting in the outbox (run it every minute)."""

from django.core.management.base import BaseCommand

from cases.outbox import outbox_send


class Command(BaseCommand):
    help = "Send due notifications of the outbox, retrying failures later."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, limit: int, **options):
        run = outbox_send(limit=limit)
        self.stdout.write(
            f"sent {run.sent}, to retry {run.retried}, failed {run.failed}"
        )
