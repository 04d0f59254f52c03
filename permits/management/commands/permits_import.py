"""Import an agency's permit files from a CSV or JSON file
(docs/permits-import.md) and print the report."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import GeoportalError
from layers.models import Agency
from permits.imports import permits_import


class Command(BaseCommand):
    help = (
        "Import permit files into an agency (CSV or JSON, by the file's "
        "suffix); nothing is written when a row is malformed."
    )

    def add_arguments(self, parser):
        parser.add_argument("agency", help="the agency's code")
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--codes",
            type=Path,
            help="write the new files' short codes (for their receipts) to this CSV",
        )

    def handle(self, *args, agency: str, path: Path, codes: Path | None, **options):
        found = Agency.objects.filter(code=agency).first()
        if found is None:
            raise CommandError(f"no agency {agency!r}")
        fmt = "json" if path.suffix.lower() == ".json" else "csv"
        try:
            report = permits_import(agency=found, content=path.read_bytes(), fmt=fmt)
        except GeoportalError as exc:
            raise CommandError(str(exc.message)) from exc
        for line, reason in report.malformed:
            self.stdout.write(f"line {line}: {reason}")
        if not report.written:
            raise CommandError(
                f"{len(report.malformed)} malformed row(s): nothing was written"
            )
        for number, fields in report.changed:
            self.stdout.write(f"changed {number}: {', '.join(fields)}")
        for number in report.new:
            self.stdout.write(f"new {number}")
        self.stdout.write(
            f"new: {len(report.new)}, changed: {len(report.changed)}, "
            f"unchanged: {len(report.unchanged)}"
        )
        if codes is not None:
            with codes.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["external_reference", "short_code"])
                writer.writerows(report.codes.items())
