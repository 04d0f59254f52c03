"""``manage.py library_import <folder or zip>``: import texts into the law
library (format: docs/library-import.md); every problem is listed and nothing
is written when there is one."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from importing.errors import ImportRefused
from library.services import library_import


class Command(BaseCommand):
    help = "Import a bundle of legal texts (a folder or a zip of JSON files)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("bundle", type=Path)

    def handle(self, *args, bundle: Path, **options) -> None:
        try:
            summary = library_import(path=bundle)
        except ImportRefused as error:
            lines = [str(error.message)]
            for issue in error.details.get("issues", []):
                place = ": ".join(p for p in (issue["file"], issue["where"]) if p)
                lines.append(
                    f"  {place}: {issue['message']}"
                    if place
                    else f"  {issue['message']}"
                )
            raise CommandError("\n".join(lines)) from error
        self.stdout.write(
            f"{len(summary.created)} created, {len(summary.updated)} updated, "
            f"{len(summary.unchanged)} unchanged, "
            f"{summary.wordings} article wordings, "
            f"{len(summary.procedures)} procedures created or changed."
        )
