"""``manage.py backup [--output FILE]``: the database and stored files in one file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geoportal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a backup (pg_dump of the database and every stored file, from "
        "MEDIA_ROOT or the S3 bucket) to "
        "one tar file, readable by its owner only. The signing key is NOT in it: "
        "keep it separately (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="File to write (default: .local/backups/geoportail-<UTC time>.tar).",
        )

    def handle(self, *args, **options):
        try:
            result = backup_create(output=options["output"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        keys = ", ".join(result.key_ids) or "none yet"
        documents = ", ".join(
            f"{kind}: {count}" for kind, count in sorted(result.documents.items())
        )
        self.stdout.write(
            f"Backup written to {result.path} ({result.size:,} bytes): the database "
            f"with {result.notes} issued notes and "
            f"{sum(result.documents.values())} registered documents "
            f"({documents or 'none'}), and {result.media_files} media files."
        )
        self.stdout.write(
            "The signing key is not in the backup. Keep it separately: the notes "
            f"and documents were signed with key id(s) {keys}, and a restored "
            "server needs the current one to go on signing and the public half "
            "of any other (GEOPORTAIL_RETIRED_SIGNING_KEYS) to verify them."
        )
