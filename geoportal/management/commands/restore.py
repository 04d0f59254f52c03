"""``manage.py restore FILE [--force]``: restore a backup, then verify every note."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geoportal.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by manage.py backup into the configured database "
        "(embedded cluster or DATABASE_URL) and file storage (MEDIA_ROOT or the "
        "S3 bucket), then verify the hash "
        "and signature of every issued note. Refuses a database that holds data "
        "unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file (.tar).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even if the database holds tables or the file storage holds "
            "other versions of the files: the backup's objects replace them.",
        )

    def handle(self, *args, **options):
        try:
            result = backup_restore(path=options["file"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} "
            f"({result.media_files} media files)."
        )
        check = result.notes
        for failure in check.failed:
            self.stderr.write(f"  {failure}")
        if not check.all_authentic:
            raise CommandError(
                f"{len(check.failed)} of {check.count} issued notes fail "
                f"verification with this server's key {check.key_id}. Is "
                "GEOPORTAIL_SIGNING_KEY the key that signed them "
                f"({', '.join(manifest['signing_key_ids'])})?"
            )
        self.stdout.write(
            f"{check.count} issued notes verified with key {check.key_id}: all "
            "authentic."
        )
