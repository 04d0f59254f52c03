"""``manage.py verify_notes``: check the hash and signature of every issued note."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from notes.verification import notes_verify_all


class Command(BaseCommand):
    help = (
        "Verify the SHA-256 and the Ed25519 signature of every issued note with "
        "this server's key (after a restore, a key change or an upgrade). Exits "
        "with an error listing the notes that fail."
    )

    def handle(self, *args, **options):
        check = notes_verify_all()
        for failure in check.failed:
            self.stderr.write(f"  {failure}")
        if not check.all_authentic:
            raise CommandError(
                f"{len(check.failed)} of {check.count} issued notes fail "
                f"verification with key {check.key_id}."
            )
        self.stdout.write(
            f"{check.count} issued notes verified with key {check.key_id}: all "
            "authentic."
        )
