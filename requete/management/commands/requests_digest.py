"""Queue the weekly digest of requests to each agency's planners (run it
once a week; a second run in the same week queues nothing)."""

from django.core.management.base import BaseCommand

from requete.digest import requests_digest_queue


class Command(BaseCommand):
    help = "Queue this week's digest of requests to each agency's planners."

    def handle(self, *args, **options):
        self.stdout.write(f"queued {requests_digest_queue()}")
