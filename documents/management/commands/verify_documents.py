"""``manage.py verify_documents``: check every issued document of the registry."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from documents.selectors import documents_verify_all


class Command(BaseCommand):
    help = (
        "Verify every entry of the registry of issued documents: its Ed25519 "
        "signature with the key it names (current or retired, in service on "
        "its day) and its PDF against its SHA-256 — after a restore, a key "
        "rotation or an upgrade. Exits with an error listing those that fail."
    )

    def handle(self, *args, **options):
        check = documents_verify_all()
        for failure in check.failed:
            self.stderr.write(f"  {failure}")
        if not check.all_authentic:
            raise CommandError(
                f"{len(check.failed)} of {check.count} issued documents fail "
                "verification."
            )
        self.stdout.write(f"By kind: {check.counts_text() or 'none'}.")
        self.stdout.write(f"{check.count} issued documents verified: all authentic.")
