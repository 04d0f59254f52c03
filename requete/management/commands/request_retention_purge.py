"""Erase the personal data of requests closed past the retention period
(GEOPORTAIL_CASE_RETENTION_DAYS); run it daily."""

from django.core.management.base import BaseCommand

from requete.privacy import retention_purge


class Command(BaseCommand):
    help = "Erase personal data of requests closed past the retention period."

    def handle(self, *args, **options):
        count = retention_purge()
        self.stdout.write(f"erased the personal data of {count} request(s)")
