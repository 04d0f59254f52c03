"""``manage.py restore FILE [--force]``: restore a backup, then verify every note
and every document of the registry of issued documents."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geoportal.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by manage.py backup into the configured database "
        "(embedded cluster or DATABASE_URL) and file storage (MEDIA_ROOT or the "
        "S3 bucket), then verify the hash "
        "and signature of every issued note and of every registered document "
        "(receipts, credit notes, minutes, notes), naming those that fail. "
        "Refuses a database that holds data unless --force is given."
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
        registry = result.documents
        for failure in registry.failed:
            self.stderr.write(f"  {failure}")
        missing = result.documents_missing
        for kind, (expected, found) in missing.items():
            self.stderr.write(
                f"  {kind}: the backup held {expected} documents, {found} restored"
            )
        problems = []
        if not check.all_authentic:
            problems.append(
                f"{len(check.failed)} of {check.count} issued notes fail "
                f"verification with this server's key {check.key_id}. Is "
                "GEOPORTAIL_SIGNING_KEY the key that signed them "
                f"({', '.join(manifest['signing_key_ids'])})?"
            )
        if not registry.all_authentic:
            codes = ", ".join(failure.split(":")[0] for failure in registry.failed)
            problems.append(
                f"{len(registry.failed)} of {registry.count} registered documents "
                f"fail verification: {codes}. Each names the key that signed it; "
                "a retired key must be listed in GEOPORTAIL_RETIRED_SIGNING_KEYS."
            )
        if missing:
            problems.append(
                "The registry of issued documents does not hold what the backup's "
                f"manifest lists ({', '.join(missing)})."
            )
        if problems:
            raise CommandError(" ".join(problems))
        self.stdout.write(
            f"{check.count} issued notes verified with key {check.key_id}: all "
            "authentic."
        )
        self.stdout.write(
            f"{registry.count} registered documents verified "
            f"({registry.counts_text() or 'none'}): all authentic."
        )
